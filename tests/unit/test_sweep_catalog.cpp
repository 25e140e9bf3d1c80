// Unit tests of the catalog's pure parts (`gilhost run DIR`): which files are experiments, the
// options each child gets, where per-experiment files go, and the combined report.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "workload/catalog.hpp"
#include "workload/catalog_report.hpp"

namespace {

using gilhost::workload::child_options;
using gilhost::workload::is_experiment_source;
using gilhost::workload::per_experiment_path;

TEST_CASE("catalog: a GILHOST dict or a module docstring makes an experiment", "[catalog]") {
  CHECK(is_experiment_source("\"\"\"Question.\"\"\"\nimport gilhost\n"));
  CHECK(is_experiment_source("#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n\n'''Doc.'''\n"));
  CHECK(is_experiment_source("r\"\"\"Raw doc.\"\"\"\n"));
  CHECK(is_experiment_source("\xEF\xBB\xBF\"doc\"\n"));
  CHECK(is_experiment_source("import gilhost\nGILHOST = {'workers': {'cpu': 1}}\n"));
  CHECK(is_experiment_source("import x\r\nGILHOST: dict = {}\r\n"));
  CHECK_FALSE(is_experiment_source("import gilhost\n\"\"\"Not first: not a docstring.\"\"\"\n"));
  CHECK_FALSE(is_experiment_source("def f():\n    GILHOST = {}\n"));
  CHECK_FALSE(is_experiment_source("if GILHOST == 1: pass\nGILHOSTS = 2\n"));
  CHECK_FALSE(is_experiment_source("b\"bytes\"\n"));
  CHECK_FALSE(is_experiment_source(""));
}

TEST_CASE("catalog: children get the user's options without the exports", "[catalog]") {
  CHECK(child_options({"--calls", "3", "--json", "a.json", "--html=x.html", "--quiet", "--trace",
                       "t.json", "--events=e", "--workers", "cpu=1"}) ==
        std::vector<std::string>{"--calls", "3", "--quiet", "--workers", "cpu=1"});
  CHECK(child_options({"--jsonish"}) == std::vector<std::string>{"--jsonish"});
}

TEST_CASE("catalog: an experiment's files go next to the combined one", "[catalog]") {
  CHECK(per_experiment_path("out/all.html", "convoy") == "out/all.convoy.html");
  CHECK(per_experiment_path("all.json", "a") == "all.a.json");
  CHECK(per_experiment_path("/tmp/t", "a") == "/tmp/t.a");
}

TEST_CASE("catalog: the combined JSON embeds each experiment's report", "[catalog]") {
  gilhost::workload::CatalogResult c;
  c.context.script = "experiments";
  c.status = "failed";
  c.exit_status = 1;
  c.planned = 3;
  c.entries = {{"experiments/a.py", 0, R"({"schema_version": 1, "status": "complete"})", ""},
               {"experiments/b.py", 1, "", ""},
               {"experiments/c.py", 2, "{torn", ""}};
  auto j = nlohmann::json::parse(gilhost::workload::render_catalog_json(c));
  CHECK(j["schema_version"] == 1);
  CHECK(j["context"]["script"] == "experiments");
  CHECK(j["status"] == "failed");
  CHECK(j["exit_status"] == 1);
  REQUIRE(j["catalog"].size() == 3);
  CHECK(j["catalog"][0]["report"]["status"] == "complete");
  CHECK(j["catalog"][1]["exit_status"] == 1);
  CHECK(j["catalog"][1]["report"].is_null());
  CHECK(j["catalog"][2]["report"].is_null());
  std::string text = gilhost::workload::render_catalog_text(c);
  CHECK_THAT(text, Catch::StartsWith("Catalog experiments: 3 of 3 experiments run\n"));
  CHECK_THAT(text, Catch::Contains("  experiments/b.py  failed (exit status 1)\n"));
}

}  // namespace
