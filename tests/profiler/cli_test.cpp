// Runs tb-trace-analyze as a user would.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct run_result {
  int exit_code;
  std::string output;  // stdout and stderr
};

run_result run(const std::string& args) {
  const std::string command = std::string(TB_TRACE_ANALYZE) + " " + args + " 2>&1";
  FILE* p = popen(command.c_str(), "r");
  EXPECT_NE(p, nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::filesystem::path temp(const char* name) { return std::filesystem::temp_directory_path() / name; }

}  // namespace

TEST(tb_trace_analyze, prints_a_table_and_writes_json) {
  const auto json_path = temp("tb_cli_summary.json");
  std::filesystem::remove(json_path);
  const auto r = run(std::string(TB_PROFILER_TEST_DATA) + "/kineto_sample.json --target add_kernel --json " +
                     json_path.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("median [95% CI]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("launch.latency"), std::string::npos);
  EXPECT_NE(r.output.find("7.250 us"), std::string::npos) << r.output;
  std::ifstream f(json_path);
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j["schema"], "tb.profiler.analysis");
  EXPECT_EQ(j["metrics"]["launch.latency"]["n"], 2);
  EXPECT_EQ(j["metrics"]["launch.latency"]["min"], 7250.0);
}

TEST(tb_trace_analyze, corrupt_file_is_one_line_and_exit_1) {
  const auto path = temp("tb_cli_corrupt.json");
  const std::string text = R"({"traceEvents":[{"ph":"X","pid":1,"ts":12)";  // 41 bytes, cut short
  std::ofstream(path) << text;
  const auto r = run(path.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, path.string() + ": byte 41: unexpected end of file, expected ',' or '}' after an object member\n");
}

TEST(tb_trace_analyze, unknown_target_and_missing_file) {
  auto r = run(std::string(TB_PROFILER_TEST_DATA) + "/kineto_sample.json --target nothing_like_this");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_NE(r.output.find("kineto_sample.json: no kernel name equals or contains \"nothing_like_this\""), std::string::npos)
      << r.output;
  r = run("/nonexistent.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "/nonexistent.json: cannot open: No such file or directory\n");
  r = run("");  // no TRACE: a usage error, 2 as for triton-bench (it was 1, as a file error)
  EXPECT_EQ(r.exit_code, 2);
}
