// stacks_text (stacks_text.hpp).
#include "report/stacks/stacks_text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/units.hpp"
#include "report/stacks/stack_views.hpp"

namespace gilhost::report {
namespace {

std::size_t width(const std::string& s) {
  return std::size_t(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w) {
  return s + std::string(w > width(s) ? w - width(s) : 0, ' ');
}

std::string site_table(const char* title, const std::vector<SiteRow>& rows) {
  if (rows.empty()) return "";
  std::size_t ww = 4, sw = 4;
  for (const SiteRow& r : rows) {
    ww = std::max(ww, width(r.who));
    sw = std::max(sw, width(r.site));
  }
  std::string out = fmt::format("  {}\n    {}  {}  {:>9}  {:>6}  {:>7}  {:>9}\n", title,
                                pad("who", ww), pad("code", sw), "time", "share", "count", "p99");
  for (const SiteRow& r : rows) {
    out += fmt::format("    {}  {}  {:>9}  {:>5.1f}%  {:>7}  {:>9}\n", pad(r.who, ww),
                       pad(r.site, sw), cli::format_ns(double(r.ns)), 100.0 * r.share, r.count,
                       cli::format_ns(double(r.p99_ns)));
  }
  return out;
}

}  // namespace

std::string stacks_text(const Report& r) {
  if (!has_stacks(r)) return "";
  std::string out = "GIL time by Python code (exact; --stacks FILE for whole stacks)\n";
  out += site_table("held the GIL", site_rows(r, true, kStackRowsShown));
  out += site_table("waited for the GIL", site_rows(r, false, kStackRowsShown));
  const std::vector<BlockedSiteRow> blocked = blocked_site_rows(r, kStackRowsShown);
  if (!blocked.empty()) {
    out += "  blocked at code: waiting site <- holding site\n";
    for (const BlockedSiteRow& b : blocked) {
      out += fmt::format("    {:>9}  {} {} <- {} {}\n", cli::format_ns(double(b.ns)), b.waiter,
                         b.waiter_site, b.holder, b.holder_site);
    }
  }
  return out;
}

}  // namespace gilhost::report
