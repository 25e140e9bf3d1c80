// Unit tests of the plan: one rule per setting whatever its source, and how the sources merge.
#include <catch2/catch.hpp>
#include <string>

#include "cli/options.hpp"
#include "cli/units.hpp"
#include "plan/plan.hpp"
#include "plan/settings.hpp"

namespace {

using namespace gilhost;
using namespace std::chrono_literals;
using plan::Settings;
using plan::Source;
using plan::Value;

std::string refusal(const char* key, const Value& v, Source source) {
  Settings s;
  try {
    plan::set_setting(s, key, v, source);
  } catch (const cli::UsageError& e) {
    return e.what();
  }
  return "accepted";
}

Value number(Value::Kind kind, std::string text) { return {kind, std::move(text)}; }

TEST_CASE("plan: a value is refused alike from either source, named as written", "[plan]") {
  struct Case {
    const char* key;
    Value value;
    const char* fragment;
  };
  const Case cases[] = {
      {"switch_interval", number(Value::Kind::kInt, "0"), "'0' is below 1us"},
      {"duration", number(Value::Kind::kInt, "0"), "'0' must be positive"},
      {"timeout", Value::of_text("0s"), "'0s' must be positive"},
      {"duration", Value::of_text(""), "'' is not a duration"},
      {"duration", Value::of_text("nan"), "'nan' is not a number"},
      {"duration", Value::of_text("inf"), "longer than a year"},
      {"duration", Value::of_text("1" + std::string(400, '0') + "s"), "longer than a year"},
      {"duration", Value::of_text("5"), "'5' has no unit: write 5s, 5ms, 5us or 5ns"},
      {"duration", Value::of_text("1m"), "'1m' is ambiguous: write 1min for minutes"},
      {"calls", number(Value::Kind::kInt, "1" + std::string(400, '0')), "out of range"},
      {"runs", number(Value::Kind::kInt, "0"), "out of range (1 to 100000)"},
      {"calls", number(Value::Kind::kFloat, "2.0"), "whole number, not 2.0"},
      {"duration", number(Value::Kind::kBool, "True"), "not True"},
  };
  for (const Case& c : cases) {
    for (Source source : {Source::kCommandLine, Source::kScript}) {
      // The command line has only text: the same digits, as typed.
      Value v = source == Source::kCommandLine && c.value.kind != Value::Kind::kBool &&
                        c.value.kind != Value::Kind::kFloat
                    ? Value::of_text(c.value.text)
                    : c.value;
      std::string msg = refusal(c.key, v, source);
      INFO(c.key << " = " << v.text.substr(0, 20) << ": " << msg);
      CHECK_THAT(msg, Catch::Contains(c.fragment));
      CHECK_THAT(msg, Catch::StartsWith(plan::setting_name(source, c.key)));
    }
  }
}

TEST_CASE("plan: zero warm-ups in any spelling, ASCII-or-UTF-8 names", "[plan]") {
  for (const char* text : {"0", "00"}) {
    Settings s;
    plan::set_setting(s, "warmup", Value::of_text(text), Source::kCommandLine);
    CHECK(*s.warmup == 0);
  }
  CHECK(plan::is_identifier("rechnen_\xC3\xA4"));
  CHECK_FALSE(plan::is_identifier("bad\xFF"));
  CHECK_FALSE(plan::is_identifier("1cpu"));
  CHECK_FALSE(plan::is_identifier("cpu=2,io"));
  CHECK_THROWS_WITH(plan::role_of("cpu=2,io", Value::of_text("1"), Source::kScript),
                    Catch::Contains("'cpu=2,io' is not NAME=N"));
  CHECK(plan::role_of("cpu:sub", number(Value::Kind::kInt, "2"), Source::kScript) ==
        plan::RoleSpec{"cpu", 2, plan::Isolation::kSub});
}

TEST_CASE("plan: one-line messages escape line breaks and cut long values", "[plan]") {
  CHECK(cli::shown("a\nb\xE2\x80\xA8"
                   "c") == "a\\x0ab\\u2028c");
  std::string long_text(50, 'x');
  CHECK(cli::shown(long_text) == std::string(40, 'x') + "… (50 bytes)");
  std::string accents;
  for (int i = 0; i < 30; ++i) accents += "\xC3\xA9";  // never cut inside a character
  CHECK(cli::shown(accents) == accents.substr(0, 40) + "… (60 bytes)");
}

TEST_CASE("plan: the command line wins, a budget is taken whole, defaults fill the rest",
          "[plan]") {
  cli::RunOptions o;
  o.target_value = "s.py";
  plan::set_setting(o.given, "duration", Value::of_text("50ms"), Source::kCommandLine);
  Settings script;
  plan::set_setting(script, "calls", number(Value::Kind::kInt, "3"), Source::kScript);
  plan::set_setting(script, "runs", number(Value::Kind::kInt, "4"), Source::kScript);
  plan::set_setting(script, "workers", Value::of_text("cpu=2"), Source::kScript);
  plan::set_setting(script, "isolation", Value::of_text("subinterpreters"), Source::kScript);
  plan::Plan p = plan::resolve(o, script);
  CHECK(*p.duration == 50ms);
  CHECK_FALSE(p.calls);
  CHECK(p.runs == 4);
  CHECK(p.warmup == plan::kDefaultWarmup);
  CHECK(p.timeout == plan::kDefaultTimeout);
  REQUIRE(p.worker_sets.size() == 1);
  CHECK(p.worker_sets[0][0].sub());

  o.target = cli::Target::kCode;
  CHECK_THROWS_WITH(plan::resolve(o, script), Catch::Contains("need a SCRIPT target"));

  Settings both;
  plan::set_setting(both, "duration", number(Value::Kind::kInt, "1"), Source::kScript);
  plan::set_setting(both, "calls", number(Value::Kind::kInt, "3"), Source::kScript);
  CHECK_THROWS_WITH(plan::check_settings(both, Source::kScript),
                    "GILHOST['duration'] and GILHOST['calls'] exclude each other");
}

}  // namespace
