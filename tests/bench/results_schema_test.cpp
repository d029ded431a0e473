// The results JSON: what triton-bench writes validates against docs/results-schema.md
// (checked by validate_results_json), reads back unchanged, and every departure from
// the schema is reported with its path.
#include "cold_start_fixture.hpp"
#include "method.hpp"
#include "report/table_reporter.hpp"
#include "results.hpp"
#include "results_json.hpp"
#include "results_validate.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using namespace tb::bench;
using nlohmann::json;

results sample_results() {
  results r;
  r.created = "2026-11-27T10:00:00Z";
  r.git_commit = std::string(40, 'a');
  r.git_source = "git";
  r.gpu_name = "Test GPU";
  r.compute_capability = 90;
  r.driver_version = "580.1";
  r.cuda_version = "13.0";
  r.cupti_version = "130001";
  r.triton_version = "3.6.0";
  r.scenario = "sandwich";
  r.target = "target_kernel";
  r.launches_per_iteration = 3;
  r.kernels.push_back({1, "target_kernel", "v", "generic", 90, "cubin", std::string(64, 'f'), 100});
  r.warmup = 3;
  r.iterations_per_round = 10;
  r.rounds = 3;
  r.time_limit_s = 20;
  r.stop_reason = "converged";
  r.clock_floor_ns = 20;
  r.code.push_back({1, "target_kernel", "identical-code", "identical code (debug info differs: .debug_line)", {}});
  for (const mode m : {mode::jit, mode::cubin_cached}) {
    mode_result mr;
    mr.mode = m;
    mr.check.kind = m == mode::jit ? check_kind::oracle : check_kind::jit_exact;
    mr.check.status = m == mode::jit ? "unchecked" : "passed";
    mr.iterations = 30;
    mr.metrics.push_back(make_metric("gap.before_target", "ns", {10, 20, 30, 40, 50}, 20));
    mr.metrics.push_back(make_metric("gpu.busy_per_iteration", "percent", {50, 60}, 20));
    r.modes.push_back(mr);
  }
  r.cold_start.push_back({"cubin-cached", "ok", "", {1e8, 2e8}, tb::profiler::summarize(std::vector<double>{1e8, 2e8})});
  return r;
}

TEST(ResultsSchema, WrittenResultsValidate) {
  const json j = to_json(sample_results());
  const auto problems = validate_results_json(j);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(j["schema"], "triton-bench/results");
  EXPECT_EQ(j["version"], 3);
  EXPECT_EQ(j["modes"][1]["check"]["kind"], "jit-exact");
  EXPECT_EQ(j["code"][0]["verdict"], "identical-code");
  EXPECT_EQ(j["modes"][1]["metrics"]["gap.before_target"]["samples"].size(), 5u);
  EXPECT_EQ(j["modes"][1]["metrics"]["gap.before_target"]["at_clock_floor"], 2);  // 10 and 20 <= 20 ns
}

TEST(ResultsSchema, RoundTrip) {
  const results r = sample_results();
  const results back = results_from_json(to_json(r));
  EXPECT_EQ(to_json(back), to_json(r));
}

// Issue 18: the cold start's phases, each a sample per process with its summary, and the
// time after the buffers; they round-trip, and files without them still read.
TEST(ResultsSchema, ColdStartPhasesRoundTripAndValidate) {
  results r = sample_results();
  r.cold_start = test::invented_cold_starts();
  const json j = to_json(r);
  const auto problems = validate_results_json(j);
  EXPECT_TRUE(problems.empty()) << problems.front();
  const json& cubin = j["cold_start"][0];
  EXPECT_EQ(cubin["phases"].size(), 8u);
  EXPECT_EQ(cubin["phases"][5]["phase"], "module");
  EXPECT_EQ(cubin["phases"][5]["samples_ns"], json({210e3, 190e3, 200e3}));
  EXPECT_EQ(cubin["phases"][5]["summary"]["median"], 200e3);
  EXPECT_EQ(cubin["after_context"]["samples_ns"], json({262e3, 248e3, 255e3}));  // module + launch + complete
  EXPECT_EQ(cubin["samples_ns"][0], 1.2e6 + 2.0e6 + 95e6 + 88e6 + 9.0e6 + 210e3 + 12e3 + 40e3);
  EXPECT_EQ(j["cold_start"][1]["phases"].size(), 7u);  // ptx: no module phase
  const results back = results_from_json(j);
  EXPECT_EQ(to_json(back), j);
  ASSERT_NE(back.cold_start[2].phase("graph"), nullptr);
  EXPECT_EQ(back.cold_start[2].phase("graph")->stats.median, 310e3);
  EXPECT_EQ(back.cold_start[1].phase("module"), nullptr);
  // Without phases (every file before the breakdown): none written, none read.
  const json old = to_json(sample_results());
  EXPECT_FALSE(old["cold_start"][0].contains("phases"));
  EXPECT_FALSE(old["cold_start"][0].contains("after_context"));
  EXPECT_TRUE(results_from_json(old).cold_start[0].phases.empty());
}

TEST(ResultsSchema, ColdStartPhasesThatDoNotAddUpAreReported) {
  results r = sample_results();
  r.cold_start = test::invented_cold_starts();
  json j = to_json(r);
  j["cold_start"][0]["phases"][2]["samples_ns"][1] = 98e6;  // 1 ms more driver in process 2
  j["cold_start"][0]["phases"][3]["phase"] = "main";
  j["cold_start"][1]["phases"][0]["samples_ns"] = json({1.1e6, 1.2e6});
  j["cold_start"][2].erase("after_context");
  j["cold_start"][3]["phases"] = json::array();
  EXPECT_EQ(validate_results_json(j),
            (std::vector<std::string>{
                "cold_start[0].phases[3]: phase 'main' again",
                // 1.0 + 2.2 + 98 + 86 + 9.2 ms + 190 + 14 + 44 us
                "cold_start[0].phases: process 2: the phases add up to 196648000 ns, its samples_ns is 195648000 ns",
                "cold_start[1].phases[0]: 2 samples_ns, the cold start has 3",  // no sums then
                "cold_start[2]: missing 'after_context'",
                "cold_start[3].phases: is empty (absent when there is no breakdown)",
            }));
}

TEST(ResultsSchema, TheSyntheticRecordingValidates) {
  std::ifstream in(std::string(TB_BENCH_DATA) + "/results.json");
  const json j = json::parse(in);
  const auto problems = validate_results_json(j);
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(ResultsSchema, ARepeatedModeIsLabelledAndComparedWithItsFirstRun) {
  results r = sample_results();
  mode_result first = r.modes[1];  // cubin-cached
  first.metrics.push_back(make_metric("host.time_per_launch", "ns", {3000, 3100, 3200}, 20));
  mode_result again = first;
  again.instance = 2;
  again.metrics.back() = make_metric("host.time_per_launch", "ns", {3100, 3200, 3300}, 20);
  r.modes[1] = first;
  r.modes.push_back(again);
  EXPECT_EQ(r.modes[2].label(), "cubin-cached#2");
  EXPECT_EQ(r.find(mode::cubin_cached), &r.modes[1]);

  const auto agreements = repeat_agreements(r);
  ASSERT_EQ(agreements.size(), 1u);
  EXPECT_EQ(agreements[0].first, "cubin-cached");
  EXPECT_EQ(agreements[0].repeat, "cubin-cached#2");
  EXPECT_DOUBLE_EQ(agreements[0].difference_percent, 100.0 * 100 / 3100);  // medians 3100 and 3200 ns

  const json j = to_json(r);
  EXPECT_TRUE(validate_results_json(j).empty());
  EXPECT_EQ(j["modes"][2]["instance"], 2);
  EXPECT_DOUBLE_EQ(j["repeats"][0]["difference_percent"].get<double>(), agreements[0].difference_percent);
  EXPECT_EQ(results_from_json(j).modes[2].label(), "cubin-cached#2");

  std::ostringstream table;
  print_results_table(table, r);
  EXPECT_NE(table.str().find("cubin-cached#2"), std::string::npos) << table.str();
  // 3.2 % apart: over the 2 % goal, so flagged
  EXPECT_NE(table.str().find("!! repeat: cubin-cached vs cubin-cached#2: host time per launch 3.100 us vs 3.200 us, "
                             "3.23 % apart (goal <= 2 %)"),
            std::string::npos)
      << table.str();
}

// A mode with the untraced gap and the tracer's cost, and one whose gap was refused.
results with_untraced_gaps() {
  results r = sample_results();
  r.modes[0].not_measured.push_back({"gap.untraced_mean", "no traced rounds: the kernels' durations come from them"});
  r.modes[1].metrics.push_back(make_metric("gap.untraced_mean", "ns", {900, 1000, 1100}, 20));
  r.modes[1].metrics.push_back(make_metric("gpu.time_per_launch_untraced", "ns", {3200, 3300, 3400}, 20));
  r.modes[1].metrics.push_back(make_metric("tracer.cost_per_launch", "ns", {700, 800}, 20));
  return r;
}

TEST(ResultsSchema, TheUntracedGapAndWhatWasNotMeasuredReadBack) {
  const results r = with_untraced_gaps();
  const json j = to_json(r);
  const auto problems = validate_results_json(j);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(j["modes"][0]["not_measured"],
            (json{{"gap.untraced_mean", "no traced rounds: the kernels' durations come from them"}}));
  EXPECT_FALSE(j["modes"][1].contains("not_measured"));  // everything measured: no key
  EXPECT_EQ(j["modes"][1]["metrics"]["gap.untraced_mean"]["samples"], (json{900, 1000, 1100}));
  const results back = results_from_json(j);
  EXPECT_EQ(back.modes[0].not_measured, r.modes[0].not_measured);
  EXPECT_EQ(back.modes[0].unmeasured("gap.untraced_mean")->reason, "no traced rounds: the kernels' durations come from them");
  EXPECT_EQ(back.modes[1].unmeasured("gap.untraced_mean"), nullptr);
  EXPECT_EQ(to_json(back), j);
}

struct breakage {
  const char* name;
  void (*apply)(json&);
  const char* expected;
};

class ResultsSchemaErrors : public testing::TestWithParam<breakage> {};

TEST_P(ResultsSchemaErrors, AreReportedWithTheirPath) {
  json j = to_json(sample_results());
  GetParam().apply(j);
  const auto problems = validate_results_json(j);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find(GetParam().expected), std::string::npos) << all;
  EXPECT_THROW(results_from_json(j), std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(
    Each, ResultsSchemaErrors,
    testing::Values(
        breakage{"schema", [](json& j) { j["schema"] = "other"; }, "schema: expected \"triton-bench/results\""},
        breakage{"version", [](json& j) { j["version"] = 4; }, "version: expected 3 (or 1, 2)"},
        breakage{"no_machine", [](json& j) { j.erase("machine"); }, "(root): missing 'machine'"},
        breakage{"gpu_name", [](json& j) { j["machine"]["gpu"]["name"] = 3; }, "machine.gpu.name: is not a string"},
        breakage{"mode_name", [](json& j) { j["modes"][0]["mode"] = "fast"; }, "modes[0].mode: expected one of jit, ptx"},
        breakage{"mode_twice", [](json& j) { j["modes"][1]["mode"] = "jit"; }, "modes[1].mode: appears twice with the same instance"},
        breakage{"instance", [](json& j) { j["modes"][1]["instance"] = 0; }, "modes[1].instance: is not 1 or more"},
        breakage{"traced_rounds", [](json& j) { j["method"].erase("traced_rounds"); },
                 "method: missing 'traced_rounds'"},
        breakage{"failed_check_ok", [](json& j) { j["modes"][1]["check"]["status"] = "failed"; },
                 "modes[1]: a mode whose check failed cannot have status ok"},
        breakage{"unit", [](json& j) { j["modes"][1]["metrics"]["gap.before_target"]["unit"] = "us"; },
                 "modes[1].metrics.gap.before_target.unit: 'us' is not one of"},
        breakage{"n_mismatch", [](json& j) { j["modes"][1]["metrics"]["gap.before_target"]["samples"].push_back(1); },
                 "modes[1].metrics.gap.before_target: summary.n differs from the number of samples"},
        breakage{"median_outside", [](json& j) { j["modes"][1]["metrics"]["gap.before_target"]["summary"]["median"] = 1e9; },
                 "the median lies outside its 95 % interval"},
        breakage{"sha", [](json& j) { j["scenario"]["kernels"][0]["sha256"] = "abc"; },
                 "scenario.kernels[0].sha256: is not 64 hex digits"},
        breakage{"check_kind", [](json& j) { j["modes"][1]["check"]["kind"] = "maybe"; },
                 "modes[1].check.kind: 'maybe' is not one of"},
        breakage{"code_verdict", [](json& j) { j["code"][0]["verdict"] = "same-ish"; },
                 "code[0].verdict: 'same-ish' is not one of"},
        breakage{"stop_reason", [](json& j) { j["method"]["stop_reason"] = "bored"; }, "method.stop_reason: 'bored'"},
        breakage{"not_measured", [](json& j) { j["modes"][0]["not_measured"] = 3; },
                 "modes[0].not_measured: is not an object"},
        breakage{"not_measured_reason", [](json& j) { j["modes"][0]["not_measured"]["gap.untraced_mean"] = 1; },
                 "modes[0].not_measured.gap.untraced_mean: is not a string"}),
    [](const testing::TestParamInfo<breakage>& p) { return std::string(p.param.name); });

// Found by tb_fuzz_results_reader (issue 12): a "schema" that is not a string threw
// nlohmann's type_error out of the validator instead of being reported.
TEST(ResultsSchema, ASchemaThatIsNotAStringIsAProblemNotAnException) {
  const auto j = nlohmann::json::parse(R"({"schema":2,"modes":[]})");
  std::vector<std::string> problems;
  ASSERT_NO_THROW(problems = validate_results_json(j));
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems.front().rfind("schema: ", 0), 0u) << problems.front();
  EXPECT_THROW(results_from_json(j), std::runtime_error);
}

}  // namespace
