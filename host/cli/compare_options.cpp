// `gilhost compare BASE NEW`: the options of the comparison of two run reports.
#include "cli/subcommands.hpp"

namespace gilhost::cli {

constexpr const char* kCompareFooter = R"TXT(Examples:
  gilhost run --workers cpu=2,io=1 --json base.json my.py
  gilhost run --workers cpu=2,io=1 --json new.json my.py     # after the change
  gilhost compare base.json new.json
  gilhost compare base.json new.json --fail-if 'calls_per_second<-5%' \
      --fail-if 'io.latency_p99_ns>10%'

Each figure of each role is compared over the runs of both reports (mean ± σ, the change with
its propagated uncertainty, Welch's t-test, docs/metrics.md). A gate FIGURE<-N% or FIGURE>N%
(ROLE.FIGURE for one role) fails when the change passes the threshold and is significant
(p < 0.05); any failed gate makes the exit status 1. Reports of different --workers, Python
versions or switch intervals are refused (exit 2) unless --force.)TXT";

CLI::App* add_compare(CLI::App& app, CompareOptions& o) {
  CLI::App* cmd =
      app.add_subcommand("compare", "Compare two JSON reports of gilhost run, figure by figure");
  cmd->footer(kCompareFooter);
  cmd->add_option("BASE", o.base, "The baseline report (gilhost run --json)")
      ->required()
      ->check(kFileName);
  cmd->add_option("NEW", o.other, "The report to judge against it")->required()->check(kFileName);
  cmd->add_option("--fail-if", o.fail_if,
                  "Exit 1 when a figure's significant change passes a threshold: "
                  "[ROLE.]FIGURE<-N% or [ROLE.]FIGURE>N% (repeat for several)")
      ->type_name("GATE");
  cmd->add_flag("--force", o.force,
                "Compare reports of different workers, Python versions or switch intervals");
  return cmd;
}

}  // namespace gilhost::cli
