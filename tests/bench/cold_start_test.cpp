// The cold start's breakdown (bench/src/cold_phases.hpp): the parent's parsing of a
// child's line into phase durations, its refusals naming the cold start and the phase,
// and the AOT child's phases on the runtime's fake driver (no GPU), every mode.
#include "cold_phases.hpp"
#include "cold_start.hpp"
#include "fake_driver.hpp"
#include "host_data.hpp"
#include "jit_plan.hpp"
#include "jit_process.hpp"
#include "synthetic_bundle.hpp"

#include <tb/scenario/scenario.hpp>
#include <tb/support/child_process.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace sc = tb::scenario;
using namespace tb::bench;
using namespace std::chrono_literals;

// A line as a child prints it: `ends` are the phases' ends.
std::string line_of(const std::vector<std::pair<std::string, std::int64_t>>& ends) {
  cold_phase_clock clock;
  for (const auto& [phase, t] : ends) clock.mark_at(phase, t);
  return clock.line();
}

const std::vector<std::pair<std::string, std::int64_t>> cubin_cached_ends = {
    {"main", 1'000'000}, {"setup", 1'500'000}, {"driver", 101'500'000}, {"context", 181'500'000},
    {"buffers", 190'000'000}, {"module", 190'200'000}, {"launch", 190'210'000}, {"complete", 190'260'000}};

std::string parse_error(const std::string& line, mode m = mode::cubin_cached) {
  try {
    parse_cold_child_line(line, "cubin-cached", cold_phases(m), 0);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ColdPhases, EachModeHasItsPhasesInOrder) {
  using list = std::vector<std::string_view>;
  const auto phases = [](mode m) { return list(cold_phases(m).begin(), cold_phases(m).end()); };
  EXPECT_EQ(phases(mode::cubin_cached),
            (list{"main", "setup", "driver", "context", "buffers", "module", "launch", "complete"}));
  EXPECT_EQ(phases(mode::library), phases(mode::cubin_cached));
  EXPECT_EQ(phases(mode::ptx_cached), phases(mode::cubin_cached));
  EXPECT_EQ(phases(mode::driver), phases(mode::cubin_cached));
  // ptx and cubin load inside every launch: no module phase of their own.
  EXPECT_EQ(phases(mode::ptx), (list{"main", "setup", "driver", "context", "buffers", "launch", "complete"}));
  EXPECT_EQ(phases(mode::cubin), phases(mode::ptx));
  EXPECT_EQ(phases(mode::graph),
            (list{"main", "setup", "driver", "context", "buffers", "module", "graph", "launch", "complete"}));
  EXPECT_EQ(phases(mode::jit), (list{"python", "torch", "triton", "kernels", "context", "buffers", "compile", "module",
                                     "launch", "complete"}));
}

TEST(ColdPhases, TheLineIsVersionedJson) {
  EXPECT_EQ(line_of({{"main", 5}, {"setup", 7}}),
            R"({"phases":[{"phase":"main","t_ns":5},{"phase":"setup","t_ns":7}],)"
            R"("schema":"triton-bench/cold-start","version":1})");
  EXPECT_TRUE(is_cold_child_line(line_of({})));
  EXPECT_FALSE(is_cold_child_line(R"({"ok": true, "ready": true})"));
}

TEST(ColdPhases, ThePhasesAreTheDifferencesFromTheFork) {
  // The parent forked at 400 us; main entered 1 ms after it, ...
  const cold_child_sample s = parse_cold_child_line(line_of(cubin_cached_ends), "cubin-cached",
                                                    cold_phases(mode::cubin_cached), 400'000);
  EXPECT_EQ(s.phase_ns, (std::vector<double>{600'000, 500'000, 100'000'000, 80'000'000, 8'500'000, 200'000, 10'000,
                                             50'000}));
  EXPECT_EQ(s.total_ns, 189'860'000);
  EXPECT_EQ(s.after_context_ns, 260'000);  // module + launch + complete: after the buffers
  // The JIT's line, the same parser: python's own lines (Python's json spacing) parse too.
  const std::string jit = R"({"schema": "triton-bench/cold-start", "version": 1, "phases": [)"
                          R"({"phase": "python", "t_ns": 20}, {"phase": "torch", "t_ns": 1020},)"
                          R"({"phase": "triton", "t_ns": 1520}, {"phase": "kernels", "t_ns": 1600},)"
                          R"({"phase": "context", "t_ns": 1900}, {"phase": "buffers", "t_ns": 2000},)"
                          R"({"phase": "compile", "t_ns": 6000}, {"phase": "module", "t_ns": 6100},)"
                          R"({"phase": "launch", "t_ns": 6130}, {"phase": "complete", "t_ns": 6150}]})";
  const cold_child_sample j = parse_cold_child_line(jit, "jit (empty Triton cache)", cold_phases(mode::jit), 0);
  EXPECT_EQ(j.phase_ns, (std::vector<double>{20, 1000, 500, 80, 300, 100, 4000, 100, 30, 20}));
  EXPECT_EQ(j.total_ns, 6150);
  EXPECT_EQ(j.after_context_ns, 4150);
}

TEST(ColdPhases, AMalformedLineIsAnErrorNamingTheColdStartAndThePhase) {
  EXPECT_EQ(parse_error("cold_start_done_ns"),
            "cold start cubin-cached: the child's line is not a JSON object: cold_start_done_ns");
  EXPECT_EQ(parse_error(R"({"cold_start_done_ns": 5})"),
            R"(cold start cubin-cached: the child's line is not triton-bench/cold-start: {"cold_start_done_ns": 5})");
  EXPECT_EQ(parse_error(R"({"schema": "triton-bench/cold-start", "version": 2, "phases": []})"),
            "cold start cubin-cached: the child speaks triton-bench/cold-start version 2, this triton-bench "
            "version 1 (another build?)");
  EXPECT_EQ(parse_error(R"({"schema": "triton-bench/cold-start", "version": 1})"),
            "cold start cubin-cached: the child's line has no 'phases' array");
  EXPECT_EQ(parse_error(R"({"schema": "triton-bench/cold-start", "version": 1, "phases": [{"phase": "main"}]})"),
            R"(cold start cubin-cached: phase 1 of the child's line is not {"phase": name, "t_ns": integer}: )"
            R"({"phase":"main"})");
  auto without = [](std::string_view phase) {
    auto ends = cubin_cached_ends;
    std::erase_if(ends, [&](const auto& e) { return e.first == phase; });
    return ends;
  };
  EXPECT_EQ(parse_error(line_of(without("module"))),
            "cold start cubin-cached: phase 'launch' where 'module' was expected (expected main, setup, driver, "
            "context, buffers, module, launch, complete)");
  EXPECT_EQ(parse_error(line_of(without("complete"))),
            "cold start cubin-cached: phase 'complete' missing from the child's line (expected main, setup, "
            "driver, context, buffers, module, launch, complete; got 7 phases)");
  auto extra = cubin_cached_ends;
  extra.push_back({"again", 190'300'000});
  EXPECT_EQ(parse_error(line_of(extra)),
            "cold start cubin-cached: phase 'again' after 'complete', the last of 8 (expected main, setup, "
            "driver, context, buffers, module, launch, complete)");
  auto swapped = cubin_cached_ends;
  std::swap(swapped[5].first, swapped[6].first);
  EXPECT_EQ(parse_error(line_of(swapped)),
            "cold start cubin-cached: phase 'launch' where 'module' was expected (expected main, setup, driver, "
            "context, buffers, module, launch, complete)");
  auto backwards = cubin_cached_ends;
  backwards[6].second = 190'100'000;  // launch returned before the module was loaded
  EXPECT_EQ(parse_error(line_of(backwards)),
            "cold start cubin-cached: phase 'launch' ends 100000 ns before 'module' ends");
  auto before_fork = cubin_cached_ends;
  before_fork[0].second = -5;
  EXPECT_EQ(parse_error(line_of(before_fork)),
            "cold start cubin-cached: phase 'main' ends 5 ns before the parent forked the child");
  // A ptx child's line (no module) read as cubin-cached's: the phase is named.
  auto ptx = without("module");
  EXPECT_EQ(parse_error(line_of(ptx), mode::ptx), "(no error)");
}

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tb-cold-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The AOT child in-process on the fake driver: every phase of its mode, in order, none
// negative; a load that takes 3 ms lands in the module phase (ptx, cubin: in the launch).
TEST(ColdChild, EveryAotModeReportsItsPhasesInOrderOnTheFakeDriver) {
  const sc::scenario s = sc::load_scenario(fs::path(TB_SCENARIOS_DIR) / "sandwich");
  const fs::path bundle = temp_dir("sandwich");
  write_synthetic_bundle(s, bundle);
  constexpr auto load_delay = 3ms;
  constexpr double load_ns = std::chrono::duration<double, std::nano>(load_delay).count();
  for (const mode m : {mode::ptx, mode::cubin, mode::ptx_cached, mode::cubin_cached, mode::library, mode::graph,
                       mode::driver}) {
    SCOPED_TRACE(std::string(to_string(m)));
    tb::test::fake_driver fake;
    fake.load_delay = load_delay;
    fake.install();
    fake.make_current(0);
    const std::int64_t t0 = monotonic_ns();
    const cold_phase_clock clock = run_cold_child(s, m, bundle, 0, monotonic_ns());
    const cold_child_sample c = parse_cold_child_line(clock.line(), to_string(m), cold_phases(m), t0);
    ASSERT_EQ(c.phase_ns.size(), cold_phases(m).size());
    double sum = 0;
    for (const double d : c.phase_ns) {
      EXPECT_GE(d, 0);
      sum += d;
    }
    EXPECT_EQ(sum, c.total_ns);
    const auto at = [&](std::string_view phase) {
      const auto names = cold_phases(m);
      return c.phase_ns[static_cast<std::size_t>(std::find(names.begin(), names.end(), phase) - names.begin())];
    };
    if (m == mode::ptx || m == mode::cubin) {
      EXPECT_GE(at("launch"), load_ns);  // the load is the launch's own
    } else {
      EXPECT_GE(at("module"), load_ns);
    }
    EXPECT_GE(c.after_context_ns, load_ns);
    // One launch (graph: one replay of the captured iteration), nothing timed after it.
    if (m == mode::graph) {
      EXPECT_EQ(fake.count("cuGraphLaunch"), 1);
    } else {
      EXPECT_EQ(fake.count("cuLaunchKernel") + fake.count("cuLaunchKernelEx"), 1);
    }
  }
  fs::remove_all(bundle);
}

TEST(ColdChild, ADriverFailureStopsItNamingTheCall) {
  const sc::scenario s = sc::load_scenario(fs::path(TB_SCENARIOS_DIR) / "sandwich");
  const fs::path bundle = temp_dir("sandwich-fail");
  write_synthetic_bundle(s, bundle);
  tb::test::fake_driver fake;
  fake.fail["cuDevicePrimaryCtxRetain"] = CUDA_ERROR_OUT_OF_MEMORY;
  fake.install();
  try {
    run_cold_child(s, mode::cubin_cached, bundle, 0, monotonic_ns());
    ADD_FAILURE() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("cuDevicePrimaryCtxRetain failed"), std::string::npos) << e.what();
  }
  fs::remove_all(bundle);
}

// Stand-ins for torch and Triton (no GPU, no torch here), just enough for
// bench/jit_runner.py --cold-start to run its phases; written at test time, so that the
// checkout holds no package named torch or triton (scripts/check_dependencies.py).
void write_fake_jit_modules(const fs::path& dir) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"torch/__init__.py", R"py("""A stand-in for torch: host "tensors" are bytes with a dtype; nothing runs."""


class dtype:
    def __init__(self, name, itemsize):
        self.name, self.itemsize = name, itemsize


for _name, _size in [("float32", 4), ("float16", 2), ("bfloat16", 2), ("float64", 8), ("int8", 1), ("int16", 2),
                     ("int32", 4), ("int64", 8), ("uint8", 1), ("bool", 1), ("uint16", 2), ("uint32", 4),
                     ("uint64", 8)]:
    globals()[_name] = dtype(_name, _size)
__version__ = "0.0-fake"


class Tensor:
    def __init__(self, data, dtype_):
        self.data, self.dtype = data, dtype_

    def to(self, device):
        return Tensor(self.data, self.dtype)

    def copy_(self, other):
        self.data = other.data

    def __getitem__(self, item):
        return self


def frombuffer(data, dtype):
    return Tensor(bytes(data), dtype)


def empty(size, dtype=None, device=None):
    return Tensor(bytes(size * (dtype.itemsize if dtype else 1)), dtype)


class cuda:
    @staticmethod
    def init():
        pass

    @staticmethod
    def synchronize():
        pass
)py"},
      {"triton/__init__.py", R"py("""A stand-in for Triton: @jit gives a kernel whose warmup, load and launch do nothing."""
__version__ = "0.0-fake"


class _Compiled:
    def _init_handles(self):
        pass


class _Kernel:
    def __init__(self, fn):
        self.fn = fn

    def warmup(self, *args, grid, **kwargs):
        return _Compiled()

    def __getitem__(self, grid):
        return lambda *args, **kwargs: None


def jit(fn=None, **options):
    return _Kernel(fn) if fn is not None else _Kernel


def set_allocator(allocate):
    pass


from . import language  # noqa: E402  (import triton.language as tl)
)py"},
      {"triton/language.py", R"py("""tl.constexpr, tl.program_id, ...: anything, never called by the stand-in's kernels."""


class _Anything:
    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self


def __getattr__(name):
    return _Anything()
)py"},
      {"triton/runtime/__init__.py", R"py()py"},
      {"triton/runtime/jit.py", R"py(class JITCallable:
    pass
)py"},
      {"triton/runtime/_allocation.py", R"py()py"},
  };
  for (const auto& [name, text] : files) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name) << text;
  }
}

// The JIT's side: bench/jit_runner.py --cold-start over sandwich's launch plan, with the
// stand-ins above, read as the parent reads it: the JIT's phases, in order, from this process's clock before the start.
TEST(ColdChild, TheJitRunnersLineHasTheJitsPhases) {
  const sc::scenario s = sc::load_scenario(fs::path(TB_SCENARIOS_DIR) / "sandwich");
  const fs::path work = temp_dir("jit");
  write_buffer_files(initial_buffers(s), work / "init");
  write_jit_plan(make_jit_plan(s, work / "init"), work / "plan.json");
  run_options o;
  o.python = "python3";
  o.jit_runner = fs::path(TB_SOURCE_DIR) / "bench" / "jit_runner.py";
  o.frontend_dir = fs::path(TB_SOURCE_DIR) / "compiler" / "python";
  o.cpu = run_options::no_cpu;
  std::vector<std::string> argv = jit_runner_argv(o, work / "plan.json");
  argv.push_back("--cold-start");
  write_fake_jit_modules(work / "modules");
  const std::int64_t t0 = monotonic_ns();
  tb::support::child_process child(argv, {{"PYTHONPATH", (work / "modules").string()}});
  std::optional<std::string> line;
  while ((line = child.read_line()) && !is_cold_child_line(*line)) {
  }
  EXPECT_EQ(child.wait(), 0);
  ASSERT_TRUE(line);
  const cold_child_sample c = parse_cold_child_line(*line, "jit", cold_phases(mode::jit), t0);
  EXPECT_EQ(c.phase_ns.size(), 10u);
  for (const double d : c.phase_ns) EXPECT_GE(d, 0);
  EXPECT_GT(c.total_ns, 0);
  fs::remove_all(work);
}

}  // namespace
