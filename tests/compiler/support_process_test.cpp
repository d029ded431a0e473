// tb::support's process layer: child_process (interactive) and run_process (to the end):
// exit codes, a signal, stdin and stdout, stderr kept or passed on, environment changes,
// arguments passed as they are, programs that cannot start, a child that stops reading.
#include <tb/support/child_process.hpp>
#include <tb/support/run_process.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <unistd.h>

namespace {

using namespace tb::support;

struct ran {
  process_result result;
  std::vector<std::string> lines;
};

ran run(const std::vector<std::string>& argv, std::string_view stdin_text = {}, const env_changes& env = {}) {
  ran r;
  r.result = run_process(argv, env, stdin_text, [&](std::string_view line) { r.lines.emplace_back(line); });
  return r;
}

ran shell(const std::string& script, std::string_view stdin_text = {}, const env_changes& env = {}) {
  return run({"/bin/sh", "-c", script}, stdin_text, env);
}

TEST(RunProcess, ExitCodes) {
  EXPECT_EQ(shell("exit 0").result.exit_code, 0);
  EXPECT_EQ(shell("exit 3").result.exit_code, 3);
  EXPECT_EQ(shell("exit 255").result.exit_code, 255);
  EXPECT_TRUE(shell("exit 3").result.started);
}

TEST(RunProcess, ASignalIs128PlusItsNumber) {
  EXPECT_EQ(shell("kill -TERM $$").result.exit_code, 128 + 15);
  EXPECT_EQ(shell("kill -KILL $$").result.exit_code, 128 + 9);
}

TEST(RunProcess, StdinToStdoutLineByLine) {
  const ran r = run({"cat"}, "first\nsecond line\n\nlast without newline");
  EXPECT_EQ(r.result.exit_code, 0);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"first", "second line", "", "last without newline"}));
}

TEST(RunProcess, MegabytesBothWaysDoNotBlock) {
  std::string text;
  for (int i = 0; i < 200'000; ++i) text += "line " + std::to_string(i) + "\n";  // ~2.2 MB, far over a pipe
  const ran r = shell("cat; echo to-stderr >&2", text);
  ASSERT_EQ(r.lines.size(), 200'000u);
  EXPECT_EQ(r.lines.front(), "line 0");
  EXPECT_EQ(r.lines.back(), "line 199999");
  EXPECT_EQ(r.result.stderr_text, "to-stderr\n");
}

TEST(RunProcess, StderrIsKeptApartFromStdout) {
  const ran r = shell("echo out; echo oops >&2; echo more >&2; exit 1");
  EXPECT_EQ(r.result.exit_code, 1);
  EXPECT_EQ(r.lines, std::vector<std::string>{"out"});
  EXPECT_EQ(r.result.stderr_text, "oops\nmore\n");
}

TEST(RunProcess, ArgumentsGoAsTheyAreWithoutAShell) {
  const ran r = run({"printf", "%s\\n", "a b", "$HOME", "; echo injected", "'quoted'"});
  EXPECT_EQ(r.lines, (std::vector<std::string>{"a b", "$HOME", "; echo injected", "'quoted'"}));
}

TEST(RunProcess, EnvironmentSetSetEmptyAndRemoved) {
  ::setenv("TB_TEST_REMOVED", "still here", 1);
  ::setenv("TB_TEST_KEPT", "inherited", 1);
  const ran r = shell("echo \"${TB_TEST_SET-unset}:${TB_TEST_EMPTY-unset}:${TB_TEST_REMOVED-unset}:${TB_TEST_KEPT-unset}\"",
                      {}, {{"TB_TEST_SET", "x"}, {"TB_TEST_EMPTY", ""}, {"TB_TEST_REMOVED", std::nullopt},
                           {"TB_TEST_SET", "last wins"}});
  EXPECT_EQ(r.lines, std::vector<std::string>{"last wins::unset:inherited"});
}

TEST(RunProcess, AProgramThatDoesNotExistSaysSo) {
  const ran r = run({"/nonexistent/tb-program", "--flag"});
  EXPECT_FALSE(r.result.started);
  EXPECT_EQ(r.result.error, "/nonexistent/tb-program: No such file or directory");
  const ran in_path = run({"tb-no-such-program-in-path"});
  EXPECT_FALSE(in_path.result.started);
  EXPECT_EQ(in_path.result.error, "tb-no-such-program-in-path: No such file or directory");
}

TEST(ChildProcess, CannotStartThrowsNamingTheProgramAndWhy) {
  const auto not_executable = std::filesystem::temp_directory_path() / "tb-support-not-executable";
  std::ofstream(not_executable) << "#!/bin/sh\n";
  std::filesystem::permissions(not_executable, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  try {
    child_process child({not_executable.string()});
    FAIL() << "started a file without execute permission";
  } catch (const spawn_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot start " + not_executable.string() + ": Permission denied");
    EXPECT_EQ(e.program(), not_executable.string());
    EXPECT_EQ(e.reason(), "Permission denied");
  }
  std::filesystem::remove(not_executable);
  EXPECT_THROW(child_process({"/nonexistent/tb-program"}), spawn_error);
  EXPECT_THROW(child_process(std::vector<std::string>{}), std::invalid_argument);
}

TEST(ChildProcess, LinesBackAndForth) {
  child_process child({"/bin/sh", "-c", "while read x; do echo \"got $x\"; done; exit 7"});
  child.write_line("one");
  EXPECT_EQ(child.read_line(), "got one");
  child.write_line("two");
  child.write_line("three");
  EXPECT_EQ(child.read_line(), "got two");
  EXPECT_EQ(child.read_line(), "got three");
  child.close_stdin();
  EXPECT_EQ(child.read_line(), std::nullopt);
  EXPECT_EQ(child.wait(), 7);
  EXPECT_EQ(child.wait(), 7);
  EXPECT_EQ(child.stderr_text(), "");  // child_stderr::inherit: not kept
}

TEST(ChildProcess, WritingToAChildThatHasExitedThrowsAndThisProcessLives) {
  child_process child({"/bin/sh", "-c", "read x; echo bye"}, {}, child_stderr::keep);
  child.write_line("go");
  EXPECT_EQ(child.read_line(), "bye");
  const std::string block(65536, 'x');
  try {
    for (int i = 0; i < 1000; ++i) child.write(block);  // the pipe breaks once sh has exited
    FAIL() << "64 MB went into a child that exited";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "/bin/sh: cannot write to its stdin: Broken pipe (it has exited or closed its stdin)");
  }
  EXPECT_EQ(child.wait(), 0);
}

TEST(ChildProcess, WaitReadsKeptStderrToItsEnd) {
  child_process child({"/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo \"err $i\" >&2; i=$((i+1)); done; exit 2"},
                      {}, child_stderr::keep);
  EXPECT_EQ(child.wait(), 2);  // ~200 KB of stderr: it would block on a full pipe if nobody read it
  EXPECT_TRUE(child.stderr_text().ends_with("err 19999\n"));
}

// The descriptors a running child has open, from /proc.
std::vector<int> open_descriptors(int pid) {
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path("/proc") / std::to_string(pid) / "fd"))
    fds.push_back(std::stoi(entry.path().filename().string()));
  std::sort(fds.begin(), fds.end());
  return fds;
}

TEST(ChildProcess, HoldsOnlyItsOwnThreePipesNotAnotherChilds) {
  // A copy of another child's stdin would keep that child from ever seeing its end; and
  // nothing else this test has open (its own inherited descriptors) goes along either.
  child_process first({"sleep", "1"}, {}, child_stderr::keep);
  child_process second({"sleep", "1"}, {}, child_stderr::keep);
  EXPECT_EQ(open_descriptors(first.pid()), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(open_descriptors(second.pid()), (std::vector<int>{0, 1, 2}));
}

}  // namespace

// A child that prints nothing for longer than the limit is killed, with its own
// children (its process group): the run ends at once, not when the sleeps end.
TEST(RunProcess, LineTimeoutKillsTheWholeGroup) {
  const auto started = std::chrono::steady_clock::now();
  ran r;
  r.result = run_process({"/bin/sh", "-c", "echo first; sleep 30 & sleep 30; echo never"}, {}, {},
                         [&](std::string_view line) { r.lines.emplace_back(line); },
                         {.own_group = true, .line_timeout_ms = 300, .cancelled = {}});
  EXPECT_TRUE(r.result.timed_out);
  EXPECT_FALSE(r.result.cancelled);
  EXPECT_EQ(r.lines, std::vector<std::string>{"first"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));  // the background sleep died too
}

TEST(RunProcess, CancelledKillsIt) {
  const auto started = std::chrono::steady_clock::now();
  int asked = 0;
  const process_result r = run_process({"/bin/sh", "-c", "sleep 30"}, {}, {}, [](std::string_view) {},
                                       {.own_group = true, .line_timeout_ms = -1, .cancelled = [&] { return ++asked >= 2; }});
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + 9);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(ChildProcess, OwnGroupLeadsANewProcessGroup) {
  child_process child({"/bin/sh", "-c", "ps -o pgid= -p $$"}, {}, child_stderr::inherit, true);
  const auto line = child.read_line();
  ASSERT_TRUE(line);
  EXPECT_EQ(std::stoi(*line), child.pid());
  EXPECT_NE(std::stoi(*line), static_cast<int>(::getpgrp()));
}

TEST(ChildProcess, ReadLineForGivesUpAfterItsTimeout) {
  child_process child({"/bin/sh", "-c", "sleep 30"}, {}, child_stderr::inherit, true);
  EXPECT_FALSE(child.read_line_for(100));
  EXPECT_TRUE(child.interrupted());
  child.kill(9);
  EXPECT_EQ(child.wait(), 128 + 9);
}
