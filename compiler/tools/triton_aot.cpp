// triton-aot: compile Triton kernels ahead of time, with no GPU, into checked
// cubin/PTX bundles and typed C++ launchers; inspect cubins.
#include <tb/compiler/compile.hpp>
#include <tb/compiler/cubin.hpp>
#include <tb/compiler/init.hpp>
#include <tb/compiler/ir_view.hpp>
#include <tb/compiler/bundle.hpp>
#include <tb/scenario/diagnostic.hpp>
#include <tb/compiler/python_env.hpp>
#include <tb/scenario/types.hpp>
#include <tb/support/atomic_file.hpp>
#include <tb/support/build_info.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

// SIGINT and SIGTERM during a compile: noted here, then the compile stops Triton, removes
// what it made and the exit status is 128 + the signal.
volatile std::sig_atomic_t stop_signal = 0;
extern "C" void note_stop_signal(int signal) { stop_signal = signal; }

void catch_stop_signals() {
  struct sigaction action {};
  action.sa_handler = note_stop_signal;  // no SA_RESTART: a waiting poll returns at once
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM}) ::sigaction(signal, &action, nullptr);
}

void write_timings(const fs::path& path, const tb::compiler::compile_report& report) {
  std::ostringstream out;
  out << "{\"triton_version\": \"" << report.triton_version << "\", \"seconds\": " << report.seconds
      << ", \"python_started\": " << (report.python_started ? "true" : "false") << ", \"images\": [";
  for (std::size_t i = 0; i < report.timings.size(); ++i) {
    const auto& t = report.timings[i];
    out << (i ? ",\n  " : "\n  ")
        << fmt::format("{{\"kernel\": \"{}\", \"variant\": \"{}\", \"specialization\": \"{}\", \"arch\": {}, "
                       "\"seconds\": {:.4f}, \"cached\": {}, \"stages\": {{",
                       t.kernel, t.variant, t.specialization, t.arch, t.seconds, t.cached ? "true" : "false");
    for (std::size_t s = 0; s < t.stages.size(); ++s)
      out << fmt::format("{}\"{}\": {:.6f}", s ? ", " : "", t.stages[s].first, t.stages[s].second);
    out << "}}";
  }
  out << "\n]}\n";
  try {
    tb::support::write_file_atomically(path, out.str());
  } catch (const std::exception& e) {
    throw tb::scenario::diagnostic_error({path}, fmt::format("cannot write the timings file: {}", e.what()));
  }
}

// The timings file is written after the bundle: checked before any work, so that a
// bad path fails the run before anything is compiled or written.
void check_timings_path(const fs::path& path) {
  if (path.empty()) return;
  const fs::path file = fs::absolute(path), folder = file.parent_path();
  std::error_code ec;
  std::string why;
  if (fs::is_directory(file, ec)) why = "it is a folder";
  else if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
    why = fmt::format("{} is a file, not a folder", folder.string());
  else if (!fs::is_directory(folder, ec)) why = fmt::format("its folder {} does not exist", folder.string());
  else if (::access(fs::exists(file, ec) ? file.c_str() : folder.c_str(), W_OK) != 0) why = std::strerror(errno);
  if (!why.empty()) throw tb::scenario::diagnostic_error({path}, "cannot write the timings file: " + why);
}

int run_compile(const tb::compiler::compile_options& options, bool quiet, const fs::path& timings) {
  tb::compiler::compile_options o = options;
  if (!quiet && ::isatty(2)) o.progress = [](std::string_view line) { fmt::print(stderr, "\r\033[K{}", line); };
  else if (!quiet) o.progress = [](std::string_view line) { fmt::print(stderr, "{}\n", line); };
  check_timings_path(timings);
  catch_stop_signals();
  o.stop_signal = [] { return static_cast<int>(stop_signal); };
  const auto report = tb::compiler::compile_scenario(o);
  if (!timings.empty()) write_timings(timings, report);
  if (!quiet && ::isatty(2) && report.compiled) fmt::print(stderr, "\n");
  if (!quiet)
    fmt::print("{}: {} images ({} compiled, {} from cache) for Triton {} in {:.2f} s -> {}\n",
               o.scenario.string(), report.images, report.compiled, report.cached, report.triton_version,
               report.seconds, o.out_dir.string());
  return 0;
}

// "x_ptr: *fp32, n: i32" or "*fp32, i32": the kernel's parameters without scratch.
std::vector<tb::compiler::expected_param> parse_expected(const std::string& text) {
  std::vector<tb::compiler::expected_param> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    item = trim(item);
    if (item.empty()) continue;
    std::string name = fmt::format("arg{}", out.size());
    if (const auto colon = item.find(':'); colon != std::string::npos && item[0] != '*') {
      name = trim(item.substr(0, colon));
      item = trim(item.substr(colon + 1));
    }
    const auto type = tb::scenario::lookup_type(item);
    if (!type)
      throw tb::scenario::diagnostic_error({"--expect"}, fmt::format("unknown type '{}' (expected one of {})", item,
                                                                     tb::scenario::known_types_text()));
    out.push_back({name, item, static_cast<std::uint32_t>(type->size)});
  }
  out.push_back({"global_scratch", "*i8", 8});
  out.push_back({"profile_scratch", "*i8", 8});
  return out;
}

int run_inspect(const fs::path& file, const std::string& expect) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw tb::scenario::diagnostic_error({file}, "is a folder; expected a .cubin file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw tb::scenario::diagnostic_error({file}, fmt::format("cannot read the file: {}", std::strerror(errno)));
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw tb::scenario::diagnostic_error({file}, "cannot read the file");
  tb::compiler::cubin_info info;
  try {
    info = tb::compiler::read_cubin(std::as_bytes(std::span(bytes.data(), bytes.size())));
  } catch (const tb::compiler::cubin_error& error) {
    throw tb::scenario::diagnostic_error({file}, fmt::format("not a readable cubin: {}", error.what()));
  }
  fmt::print("{}: {} cubin, ELF ABI version {}, {} kernel{}\n", file.string(), tb::compiler::format_arch(info),
             info.elf_abi_version, info.kernels.size(), info.kernels.size() == 1 ? "" : "s");
  for (const auto& k : info.kernels) {
    fmt::print("kernel {}\n", k.name);
    fmt::print("  registers        {}\n", k.registers);
    fmt::print("  static shared    {} bytes\n", k.static_shared_bytes);
    fmt::print("  stack frame      {} bytes\n", k.frame_size);
    if (k.required_threads[0])
      fmt::print("  required threads {} x {} x {}\n", k.required_threads[0], k.required_threads[1], k.required_threads[2]);
    fmt::print("  code             {} bytes\n", k.code_size);
    fmt::print("  parameters       {} ({} bytes)\n", k.params.size(), k.param_buffer_size);
    for (const auto& p : k.params)
      fmt::print("    {:>3}  offset {:>4}  size {}{}\n", p.ordinal, p.offset, p.size, p.is_pointer ? "  pointer" : "");
  }
  if (!expect.empty()) {
    if (info.kernels.size() != 1)
      throw tb::scenario::diagnostic_error({file}, "--expect needs a cubin with exactly one kernel");
    const auto expected = parse_expected(expect);
    const auto problems = tb::compiler::check_params(info.kernels.front(), expected);
    if (!problems.empty())
      throw tb::scenario::diagnostic_error({file}, fmt::format("kernel '{}' disagrees with --expect: {}",
                                                               info.kernels.front().name, problems.front()));
    fmt::print("parameters match: {}\n", expect);
  }
  return 0;
}

int run_init(const tb::compiler::init_options& options) {
  const auto report = tb::compiler::init_scenario(options);
  fmt::print("{}: scenario '{}' with {} kernel{} ({}){}; check what says TODO, then run triton-aot compile\n",
             report.out.string(), report.scenario, report.kernels.size(), report.kernels.size() == 1 ? "" : "s",
             fmt::join(report.kernels, ", "),
             report.helpers.empty() ? "" : fmt::format(", helpers left out: {}", fmt::join(report.helpers, ", ")));
  return 0;
}

int run_ir(const tb::compiler::ir_query& query, const std::string& arch) {
  tb::compiler::ir_query q = query;
  if (!arch.empty()) q.arch = tb::compiler::parse_arch(arch, "--arch");
  const auto stage = tb::compiler::read_ir_stage(q);
  fmt::print("{}", stage.text);
  return 0;
}

constexpr int kStagesDiffer = 3;  // diff-ir: the two images' stages differ

int run_diff_ir(const fs::path& a, const fs::path& b, bool ignore_locations) {
  const auto side_a = tb::compiler::open_ir_side(a);
  const auto side_b = tb::compiler::open_ir_side(b);
  const auto diff = tb::compiler::diff_ir(side_a, side_b, ignore_locations);
  fmt::print("{}", tb::compiler::format_ir_diff(side_a, side_b, diff));
  return diff.differs() ? kStagesDiffer : 0;
}

// --version: what was built, and what a compile would run with now.
std::string version_text() {
  std::string text = tb::support::version_line("triton-aot");
  try {
    const auto py = tb::compiler::compiler_python("");
    text += fmt::format("\nPython: {} (Triton {}, from {})", py.python.string(), py.triton_version, py.chosen_by);
  } catch (const tb::scenario::diagnostic_error& e) {
    text += fmt::format("\nPython: none usable: {}", e.message());
  }
  return text;
}

}  // namespace

constexpr int kBadOption = 2;  // as triton-bench's exit status 2

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "triton-aot: compile Triton kernels ahead of time, without a GPU, into checked cubin/PTX bundles with typed "
      "C++ launchers.\n\n"
      "  triton-aot compile scenarios/vector_add --out build/aot/vector_add --arch sm_90 --arch sm_80\n"
      "  triton-aot inspect build/aot/vector_add/images/add_kernel/b1024/generic/sm_90.cubin\n"
      "  triton-aot init my_kernels/kernels.py   # a scenario.toml to start from\n"
      "  triton-aot ir build/aot/vector_add add_kernel --stage ttgir   # one of Triton's stages (compile --keep-ir)\n\n"
      "A scenario is a folder with scenario.toml naming Triton kernels, their signatures and variants "
      "(docs/scenario-format.md); the bundle it becomes is described in docs/aot-bundle.md.",
      "triton-aot"};
  app.require_subcommand(0, 1);  // none is a usage error below, after an unknown option was named
  app.footer(
      "Exit status: 0 ok; 1 error (a scenario, kernel, cubin or file error, in one line); 2 bad option or "
      "subcommand (one line names it); 3 diff-ir: the stages differ; 128 + N when signal N stopped it (130 Ctrl-C, 143 SIGTERM), after "
      "removing what it had started to write.");
  app.set_version_flag("--version", [] { return version_text(); }, "Print the version, commit, CUDA toolkit and the "
                                                                   "Python and Triton triton-aot would compile with");
  app.set_help_all_flag("--help-all", "Show the help of every subcommand");

  tb::compiler::compile_options options;
  std::vector<std::string> archs;
  bool quiet = false;
  fs::path timings;
  auto* compile = app.add_subcommand(
      "compile",
      "Compile every kernel x variant x specialisation x arch of a scenario with Triton (the Python --python "
      "names, no GPU or driver needed), check each cubin's parameters against the signature, and write "
      "the bundle: images, manifest.json and <scenario>_kernels.{hpp,cpp}. Unchanged inputs come from the cache "
      "without starting Python. The output folder is replaced whole or not at all.");
  compile->add_option("scenario", options.scenario, "scenario.toml or its folder")->required();
  compile->add_option("--out,-o", options.out_dir,
                      "output folder: new, empty, or a bundle triton-aot wrote (replaced atomically; nothing else is "
                      "ever replaced)")
      ->required();
  compile->add_option("--arch,-a", archs, fmt::format("GPU architecture, repeatable (default sm_90); one of: {}",
                                                      tb::compiler::supported_archs_text()));
  compile->add_option("--jobs,-j", options.jobs, "parallel Triton compiles (default: one per core)");
  compile->add_option("--cache-dir", options.cache_dir,
                      "compile cache (default $TRITON_AOT_CACHE_DIR, else ~/.cache/triton-bench/aot)");
  compile->add_option("--python", options.python, fmt::format("Python with Triton {} (default $TRITON_AOT_PYTHON, "
                                                              "else the first python3 on PATH that has it)",
                                                              tb::support::this_build().triton_pinned));
  compile->add_flag("--quiet,-q", quiet, "print nothing but errors");
  compile->add_option("--timeout", options.timeout_seconds,
                      "seconds Triton may take for one image (import and compile; default 600, 0: no limit)")
      ->check(CLI::Range(0, 2000000));
  compile->add_option("--timings", timings,
                      "write each image's compile time as JSON (seconds; 0 for a cache hit), with Triton's stages: "
                      "ir_initialization, ttir, ttgir, llir, ptx, cubin (ptxas), store_results (docs/compile-time.md)");
  compile->add_flag("--keep-ir", options.keep_ir,
                    "also keep each image's Triton stages in the bundle: sm_N.ttir, sm_N.ttgir, sm_N.llir beside "
                    "sm_N.cubin and sm_N.ptx, listed and hashed in manifest.json (\"ir\"), never embedded in the "
                    "launchers; read them with triton-aot ir and diff-ir");

  tb::compiler::ir_query ir_query;
  std::string ir_arch;
  auto* ir = app.add_subcommand(
      "ir", "Print one of Triton's stages (ttir, ttgir, llir, ptx) of one image of a bundle compiled with --keep-ir. "
            "Without --variant, --spec or --arch: the kernel's first variant, its first (most specialised) "
            "specialisation, the bundle's first arch, as manifest.json lists them.");
  ir->footer(
      "Examples:\n"
      "  triton-aot compile scenarios/vector_add --out aot/vector_add --arch sm_90 --keep-ir\n"
      "  triton-aot ir aot/vector_add add_kernel                      # TTGIR (the default stage)\n"
      "  triton-aot ir aot/vector_add add_kernel --stage ttir --spec generic --arch sm_90\n"
      "  triton-aot ir aot/softmax softmax_kernel --variant cols4096 --stage llir | less\n\n"
      "Errors (exit 1, one line): no bundle, an unknown kernel, variant, specialisation or arch (the line lists "
      "those there are), a bundle compiled without --keep-ir, a stage file that differs from its SHA-256.");
  ir->add_option("bundle", ir_query.bundle, "the bundle folder (triton-aot compile --keep-ir --out)")->required();
  ir->add_option("kernel", ir_query.kernel, "the kernel's name")->required();
  ir->add_option("--variant", ir_query.variant, "the variant's name (default: the first)");
  ir->add_option("--spec", ir_query.spec, "the specialisation's name, e.g. generic (default: the first)");
  ir->add_option("--arch", ir_arch, "the arch, e.g. sm_90 (default: the bundle's first)");
  ir->add_option("--stage", ir_query.stage, "ttir, ttgir (default), llir or ptx")
      ->check(CLI::IsMember({"ttir", "ttgir", "llir", "ptx"}));

  fs::path diff_a, diff_b;
  bool ignore_locations = false;
  auto* diff_ir = app.add_subcommand(
      "diff-ir", "Compare Triton's stages (ttir, ttgir, llir, ptx) of two images, stage by stage in lowering order, "
                 "and show the first differing stage's difference as a unified-diff hunk. An image is one of a "
                 "bundle compiled with --keep-ir, named by its path without extension (or any of its files), or a "
                 "folder of Triton's own cache (the JIT's entry for one kernel, ~/.triton/cache/HASH).");
  diff_ir->footer(
      "Examples:\n"
      "  triton-aot diff-ir aot/softmax/images/softmax_kernel/cols1024/generic/sm_90 \\\n"
      "                     aot/softmax/images/softmax_kernel/cols4096/generic/sm_90     # two variants\n"
      "  triton-aot diff-ir --ignore-locations aot/vector_add/images/add_kernel/b1024/generic/sm_90.cubin \\\n"
      "                     ~/.triton/cache/<hash>                                  # AOT against the JIT\n\n"
      "Exit status: 0 no stage differs; 3 a stage differs; 1 error (one line: a path that is no image, a "
      "missing stage); 2 bad option.");
  diff_ir->add_option("a", diff_a, "the first image")->required();
  diff_ir->add_option("b", diff_b, "the second image")->required();
  diff_ir->add_flag("--ignore-locations", ignore_locations,
                    "leave source locations out of the comparison (MLIR loc(...) and #loc lines, LLVM !dbg and !DI "
                    "metadata, PTX .loc and .file lines and .debug_* sections)");

  std::string inspect_file, expect;
  auto* inspect = app.add_subcommand(
      "inspect", "Print what a cubin says about its kernels: parameters (offset, size), registers, static shared "
                 "memory, stack frame, required threads. With --expect, check the parameters against a signature.");
  inspect->add_option("cubin", inspect_file, "a .cubin file")->required();
  inspect->add_option("--expect", expect,
                      "the kernel's parameters without Triton's 2 scratch pointers, e.g. \"*fp32, *fp32, fp32, i64\"");

  tb::compiler::init_options init_options;
  auto* init = app.add_subcommand(
      "init",
      "Write a scenario.toml skeleton for every @triton.jit function of a Python file: the runtime arguments in "
      "'signature' with guessed types (names ending in 'ptr': *fp32, others i32, unless an annotation or default "
      "says otherwise), the tl.constexpr parameters with their Python defaults or placeholders, one variant each "
      "(autotune configs become variants), and a commented-out [[launch]] to run it. The file is read with "
      "Python's ast, never imported. Check what says TODO, then compile.");
  init->footer(
      "Example:\n"
      "  triton-aot init my_kernels/kernels.py          # writes my_kernels/scenario.toml, scenario 'my_kernels'\n"
      "  $EDITOR my_kernels/scenario.toml               # check the types and sizes marked TODO\n"
      "  triton-aot compile my_kernels --out my_kernels/aot --arch sm_90\n"
      "  triton-bench --scenario my_kernels               # once its [[launch]] is filled in\n\n"
      "An existing output file is never overwritten. Format: docs/scenario-format.md.");
  init->add_option("source", init_options.source, "the Python file with the @triton.jit kernels")->required();
  init->add_option("--out,-o", init_options.out, "the file to write, or a folder for its scenario.toml (default: "
                                                 "scenario.toml beside the Python file); must not exist");
  init->add_option("--name", init_options.name, "the scenario's name (default: the output folder's name, with "
                                                "anything but letters, digits and _ made _)");
  init->add_option("--python", init_options.python, "Python 3 (default $TRITON_AOT_PYTHON, else python3 on PATH)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int rc = app.exit(error);  // prints the message, or the help or version
    return rc == 0 ? 0 : kBadOption;  // one status for every usage error
  }
  if (!*compile && !*init && !*inspect && !*ir && !*diff_ir) {
    fmt::print(stderr, "triton-aot: no subcommand: give compile, inspect, init, ir or diff-ir (triton-aot --help)\n");
    return kBadOption;
  }
  try {
    if (*compile) {
      if (archs.empty()) archs.push_back("sm_90");
      options.archs.clear();
      for (const auto& a : archs) options.archs.push_back(tb::compiler::parse_arch(a, "--arch"));
      return run_compile(options, quiet, timings);
    }
    if (*init) return run_init(init_options);
    if (*ir) return run_ir(ir_query, ir_arch);
    if (*diff_ir) return run_diff_ir(diff_a, diff_b, ignore_locations);
    return run_inspect(inspect_file, expect);
  } catch (const tb::compiler::compile_stopped& stopped) {
    fmt::print(stderr, "triton-aot: stopped by {}: removed what this run had started to write (images finished "
                       "before it stay in the cache)\n",
               sigabbrev_np(stopped.signal) ? fmt::format("SIG{}", sigabbrev_np(stopped.signal)) : "a signal");
    return 128 + stopped.signal;
  } catch (const tb::scenario::diagnostic_error& error) {
    fmt::print(stderr, "{}\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    fmt::print(stderr, "triton-aot: error: {}\n", error.what());
    return 1;
  }
}
