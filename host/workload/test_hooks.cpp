// GILHOST_TEST_PAUSE: a marker line per pass, then a bounded wait for a stop signal.
#include "workload/test_hooks.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "report/atomic_file.hpp"
#include "workload/stop_signals.hpp"

namespace gilhost::workload {
namespace {

struct Pause {
  std::string point, marker;
  int passes = 1;
};

const Pause* configured() {
  static const Pause* pause = []() -> const Pause* {
    const char* v = std::getenv("GILHOST_TEST_PAUSE");
    if (v == nullptr || *v == '\0') return nullptr;
    std::string s(v);
    auto* p = new Pause;
    std::size_t a = s.find(':');
    if (a == std::string::npos) return nullptr;
    p->point = s.substr(0, a);
    std::size_t b = s.find(':', a + 1);
    p->marker = s.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    if (b != std::string::npos) p->passes = std::atoi(s.c_str() + b + 1);
    return p;
  }();
  return pause;
}

int g_passes = 0;

}  // namespace

void test_pause(const char* point) {
  const Pause* p = configured();
  if (p == nullptr || p->point != point || g_passes >= p->passes) return;
  ++g_passes;
  const int seen = stop_signal_count();
  if (std::FILE* f = std::fopen(p->marker.c_str(), "a")) {
    std::fprintf(f, "%s %d\n", point, g_passes);
    std::fclose(f);
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (stop_signal_count() == seen) {
    if (std::chrono::steady_clock::now() >= give_up) {
      std::fprintf(stderr, "gilhost: test pause at %s: no stop signal within 60 s\n", point);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void install_test_hooks() {
  if (configured() != nullptr) report::set_before_rename_hook([] { test_pause("write"); });
}

}  // namespace gilhost::workload
