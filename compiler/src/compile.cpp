#include <tb/compiler/bundle.hpp>
#include <tb/compiler/compile.hpp>
#include <tb/compiler/cubin.hpp>
#include <tb/scenario/types.hpp>
#include <tb/support/read_file.hpp>
#include <tb/support/run_process.hpp>
#include <tb/support/sha256.hpp>

#include <tb/compiler/python_env.hpp>

#include "cache_entry.hpp"
#include "codegen_env.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <span>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace tb::compiler {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using scenario::diagnostic_error;
using scenario::source_location;
using support::process_result;
using support::run_process;
using support::sha256;

// Bump when the frontend's output for the same inputs changes, so caches refill.
constexpr std::string_view cache_format = "triton-aot-cache-4";
constexpr int supported_archs[] = {75, 80, 86, 87, 89, 90, 100, 103, 120};

struct job {
  const scenario::kernel* kernel;
  const scenario::variant* variant;
  const scenario::specialization* spec;
  int arch;
  std::string key;          // cache key: sha256 of everything that determines the output
  fs::path cache_entry;     // <cache>/<key[0:2]>/<key>
  std::string id;
};

std::vector<unsigned char> read_bytes(const fs::path& path) {
  const std::string text = support::read_file(path);
  return {text.begin(), text.end()};
}

void write_file(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
}

json constexpr_json(const scenario::constexpr_value& value) {
  return std::visit([](const auto& v) { return json(v); }, value);
}

fs::path default_cache_dir() {
  if (const char* env = std::getenv("TRITON_AOT_CACHE_DIR"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "triton-bench" / "aot";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "triton-bench" / "aot";
  return fs::temp_directory_path() / "triton-bench-aot-cache";
}

// The frontend's version: every Python file of tb_aot, by name and contents.
std::string frontend_fingerprint(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& item : fs::directory_iterator(dir / "tb_aot"))
    if (item.path().extension() == ".py") files.push_back(item.path());
  std::sort(files.begin(), files.end());
  sha256 h;
  for (const fs::path& file : files) h.add_field(file.filename().string()).add_field(support::read_file(file));
  return h.hex();
}

// The compiled kernel's parameters: the signature's, minus arguments folded in by a
// ':1' specialisation, plus Triton's two scratch pointers.
std::vector<std::size_t> kept_params(const scenario::kernel& k, const scenario::specialization& s) {
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < k.params.size(); ++i) {
    const bool folded = std::any_of(s.hints.begin(), s.hints.end(), [&](const auto& h) {
      return h.first == i && h.second == scenario::hint_equal_1;
    });
    if (!folded) kept.push_back(i);
  }
  return kept;
}

json job_request(const job& j, const scenario::scenario& s, const fs::path& out_dir) {
  json params = json::array();
  for (const auto& p : j.kernel->params) params.push_back({{"name", p.name}, {"type", p.type}});
  json constexprs = json::object();
  for (const auto& [name, value] : j.variant->constexprs) constexprs[name] = constexpr_json(value);
  json hints = json::object();
  for (const auto& [index, hint] : j.spec->hints) hints[j.kernel->params[index].name] = hint;
  return {{"id", j.id},
          {"source_path", j.kernel->source_path.string()},
          {"scenario_dir", s.dir.string()},
          {"canonical", fmt::format("{}/{}", s.name, fs::path(j.kernel->source).generic_string())},
          {"kernel", j.kernel->name},
          {"params", params},
          {"constexprs", constexprs},
          {"hints", hints},
          {"arch", j.arch},
          {"num_warps", j.variant->num_warps},
          {"num_stages", j.variant->num_stages},
          {"num_ctas", j.variant->num_ctas},
          {"launch_pdl", j.variant->launch_pdl},
          {"launch_cooperative_grid", j.variant->launch_cooperative_grid},
          {"out_dir", out_dir.string()}};
}

std::string job_key(const job& j, const scenario::scenario& s, const std::string& triton_version,
                    const std::string& frontend, const std::map<fs::path, std::string>& source_hashes) {
  json request = job_request(j, s, {});
  request.erase("source_path");
  request.erase("scenario_dir");
  request.erase("out_dir");
  request.erase("id");
  sha256 h;
  h.add_field(cache_format);
  h.add_field(triton_version);
  h.add_field(frontend);
  h.add_field(codegen_environment());
  h.add_field(source_hashes.at(j.kernel->source_path));
  h.add_field(request.dump());
  return h.hex();
}

// Maps a frontend error to one located diagnostic.
[[noreturn]] void raise_frontend_error(const json& error, const job& j) {
  const std::string kind = error.value("kind", "internal");
  const std::string message = error.value("message", "unknown error");
  if (error.contains("file")) {
    source_location where{error["file"].get<std::string>(), error.value("line", 0), error.value("col", 0)};
    throw diagnostic_error(where, message);
  }
  source_location where = j.kernel->where;
  if (kind == "param_mismatch") where = j.kernel->signature_where;
  if (kind.starts_with("constexpr") || kind == "ir_variant") where = j.variant->where;
  if (kind == "ir_hints") where = j.spec->where;
  const std::string context = kind == "internal" || kind == "compile"
                                  ? fmt::format(" (kernel '{}', variant '{}', {}, sm_{})", j.kernel->name,
                                                j.variant->name, j.spec->name, j.arch)
                                  : "";
  throw diagnostic_error(where, message + context);
}

// The frontend ended before every result: name the kernel file it was importing, if
// any, and how it ended, in one line.
[[noreturn]] void raise_early_end(const process_result& run, const std::string& importing, std::size_t got,
                                  std::size_t wanted, const fs::path& python) {
  const std::string how = run.exit_code > 128
                              ? fmt::format("was ended by signal {} ({})", run.exit_code - 128, ::strsignal(run.exit_code - 128))
                              : fmt::format("exited with status {}", run.exit_code);
  if (!importing.empty())
    throw diagnostic_error({importing}, fmt::format("the Triton frontend {} while importing the kernel file", how));
  std::string last;  // the last line it printed on stderr, usually the error
  std::size_t end = run.stderr_text.find_last_not_of(" \n\r\t");
  if (end != std::string::npos) {
    const std::size_t begin = run.stderr_text.rfind('\n', end);
    last = ": " + run.stderr_text.substr(begin == std::string::npos ? 0 : begin + 1, end + 1 - (begin == std::string::npos ? 0 : begin + 1));
  }
  throw diagnostic_error({python}, fmt::format("the Triton frontend {} after {} of {} results{}", how, got, wanted,
                                               last.empty() ? " and printed nothing" : last));
}

std::uint32_t as_u32(const json& metadata, const char* key, std::uint32_t fallback) {
  const auto it = metadata.find(key);
  return it == metadata.end() || it->is_null() ? fallback : it->get<std::uint32_t>();
}

image_record make_image(const job& j, const fs::path& entry, const char* format, const json& metadata) {
  image_record image;
  image.arch = j.arch;
  image.format = format;
  image.bytes = read_bytes(entry / fmt::format("sm_{}.{}", j.arch, format));
  image.sha256 = sha256::of(std::string_view(reinterpret_cast<const char*>(image.bytes.data()), image.bytes.size()));
  image.path = fs::path("images") / j.kernel->name / j.variant->name / j.spec->name / fmt::format("sm_{}.{}", j.arch, format);
  image.symbol = metadata.at("name").get<std::string>();
  image.num_warps = as_u32(metadata, "num_warps", 4);
  image.num_ctas = as_u32(metadata, "num_ctas", 1);
  if (const auto it = metadata.find("cluster_dims"); it != metadata.end() && it->is_array() && it->size() == 3)
    for (int d = 0; d < 3; ++d) image.cluster_dims[d] = (*it)[static_cast<std::size_t>(d)].get<std::uint32_t>();
  image.shared = as_u32(metadata, "shared", 0);
  image.global_scratch_size = as_u32(metadata, "global_scratch_size", 0);
  image.global_scratch_align = as_u32(metadata, "global_scratch_align", 1);
  image.profile_scratch_size = as_u32(metadata, "profile_scratch_size", 0);
  image.profile_scratch_align = as_u32(metadata, "profile_scratch_align", 1);
  image.launch_cooperative_grid = metadata.value("launch_cooperative_grid", false);
  image.launch_pdl = metadata.value("launch_pdl", false);
  image.triton_hash = metadata.value("hash", "");
  return image;
}

// The file of one stage of an image in its cache entry: sm_N.<stage>.
fs::path stage_file(const job& j, std::string_view stage) {
  return j.cache_entry / fmt::format("sm_{}.{}", j.arch, stage);
}

// The stages Triton produces for a kernel: all of ir_stages, but none before TTGIR for
// a kernel compiled from a .ttgir file (its source is its first stage).
std::span<const std::string_view> stages_of(const scenario::kernel& k) {
  const std::span<const std::string_view> all(ir_stages);
  return k.source_path.extension() == ".ttgir" ? all.subspan(1) : all;
}

// compile --keep-ir serves an entry only when it holds every stage (the one rule for
// it): an entry without them is compiled again, never served as if it had them.
bool has_ir_stages(const job& j) {
  std::error_code ec;
  const auto stages = stages_of(*j.kernel);
  return std::all_of(stages.begin(), stages.end(),
                     [&](std::string_view stage) { return fs::is_regular_file(stage_file(j, stage), ec); });
}

// The stages of an image, read from its cache entry for the bundle; a stage Triton did
// not keep is one located error.
std::vector<ir_record> read_ir_stages(const job& j) {
  std::vector<ir_record> out;
  for (std::string_view stage : stages_of(*j.kernel)) {
    const fs::path file = stage_file(j, stage);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
      throw diagnostic_error(j.kernel->where, fmt::format("--keep-ir: Triton kept no {} stage for kernel '{}' "
                                                          "(variant '{}', {}, sm_{}); expected {}",
                                                          stage, j.kernel->name, j.variant->name, j.spec->name,
                                                          j.arch, file.string()));
    ir_record r;
    r.arch = j.arch;
    r.stage = std::string(stage);
    r.bytes = read_bytes(file);
    r.sha256 = sha256::of(std::string_view(reinterpret_cast<const char*>(r.bytes.data()), r.bytes.size()));
    r.path = fs::path("images") / j.kernel->name / j.variant->name / j.spec->name / fmt::format("sm_{}.{}", j.arch, stage);
    out.push_back(std::move(r));
  }
  return out;
}

// Clusters (num_ctas > 1) and programmatic dependent launch need sm_90 or newer; said
// before Python starts, located at the variant.
void check_launch_attributes_arch(const job& j) {
  if (j.arch >= scenario::min_arch(*j.variant)) return;  // below it, one of the two is set
  const char* what =
      j.variant->num_ctas > 1 ? "num_ctas > 1 (a cluster launch)" : "launch_pdl (programmatic dependent launch)";
  throw diagnostic_error(j.variant->where, fmt::format("variant '{}' of kernel '{}' sets {}, which needs sm_90 or "
                                                         "newer; expected no arch below sm_90, found sm_{}",
                                                         j.variant->name, j.kernel->name, what, j.arch));
}

// Triton must have compiled the launch attributes the variant asked for: the runtime
// launches from what the image records.
void check_launch_attributes(const job& j, const image_record& image) {
  const scenario::variant& v = *j.variant;
  if (image.num_ctas == static_cast<std::uint32_t>(v.num_ctas) && image.launch_pdl == v.launch_pdl &&
      image.launch_cooperative_grid == v.launch_cooperative_grid)
    return;
  throw diagnostic_error(v.where, fmt::format("Triton's metadata for kernel '{}' (variant '{}', sm_{}) has num_ctas={} "
                                              "launch_pdl={} launch_cooperative_grid={}; expected {} {} {} as the "
                                              "variant sets",
                                              j.kernel->name, v.name, j.arch, image.num_ctas, image.launch_pdl,
                                              image.launch_cooperative_grid, v.num_ctas, v.launch_pdl,
                                              v.launch_cooperative_grid));
}

// Step 2: the cubin must take exactly the parameters the launcher will pass.
void check_cubin(const job& j, image_record& cubin) {
  const std::vector<std::size_t> kept = kept_params(*j.kernel, *j.spec);
  std::vector<expected_param> expected;
  for (std::size_t index : kept) {
    const auto& p = j.kernel->params[index];
    expected.push_back({p.name, p.type, static_cast<std::uint32_t>(scenario::lookup_type(p.type)->size)});
  }
  expected.push_back({"global_scratch", "*i8", 8});
  expected.push_back({"profile_scratch", "*i8", 8});
  const source_location where = j.kernel->signature_where;
  const std::string what = fmt::format("cubin of kernel '{}' (variant '{}', {}, sm_{})", j.kernel->name,
                                       j.variant->name, j.spec->name, j.arch);
  cubin_info info;
  try {
    info = read_cubin(std::as_bytes(std::span(cubin.bytes)));
  } catch (const cubin_error& error) {
    throw diagnostic_error(where, fmt::format("{} is unreadable: {}", what, error.what()));
  }
  const auto kernel = std::find_if(info.kernels.begin(), info.kernels.end(),
                                   [&](const cubin_kernel& k) { return k.name == cubin.symbol; });
  if (kernel == info.kernels.end())
    throw diagnostic_error(where, fmt::format("{} has no entry '{}'", what, cubin.symbol));
  if (info.sm != j.arch)
    throw diagnostic_error(where, fmt::format("{} is for {}, expected sm_{}", what, format_arch(info), j.arch));
  const auto problems = check_params(*kernel, expected);
  if (!problems.empty())
    throw diagnostic_error(where, fmt::format("{} disagrees with the signature: {}", what, problems.front()));
  cubin.registers = kernel->registers;
  cubin.static_shared = kernel->static_shared_bytes;
}

int stop_signal(const compile_options& options) { return options.stop_signal ? options.stop_signal() : 0; }

// True when no process `pid` runs: a leftover `tmp-PID` of a run that was killed.
bool process_gone(const std::string& pid_text) {
  if (pid_text.empty() || pid_text.size() > 9 || pid_text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  return ::kill(static_cast<pid_t>(std::stol(pid_text)), 0) != 0 && errno == ESRCH;
}

// Removes the entries of `dir` named PREFIX<pid> whose process is gone.
void sweep_leftovers(const fs::path& dir, const std::vector<std::string>& prefixes) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    for (const auto& prefix : prefixes)
      if (std::error_code ignored; name.starts_with(prefix) && process_gone(name.substr(prefix.size())))
        fs::remove_all(it->path(), ignored);
  }
}

// Why `out` must not be replaced, or "" when it may: only an empty folder, or a
// bundle triton-aot wrote (its manifest.json says so), is ever replaced.
std::string refusal(const fs::path& out, const fs::path& scenario_toml) {
  std::error_code ec;
  const auto status = fs::status(out, ec);
  if (!fs::exists(status)) return "";
  if (!fs::is_directory(status)) return "it is a file, not a folder";
  const fs::path inside = fs::weakly_canonical(scenario_toml, ec).lexically_relative(fs::weakly_canonical(out, ec));
  if (!inside.empty() && *inside.begin() != "..") return "it holds the scenario being compiled";
  if (fs::is_empty(out, ec)) return "";
  std::ifstream in(out / "manifest.json");
  const json manifest = json::parse(in, nullptr, false);
  if (manifest.is_object() && manifest.value("schema", "") == "triton-bench/aot-manifest") return "";
  return "it holds files that are not a triton-aot bundle (no manifest.json of one)";
}

// A temporary sibling of `out`, renamed into place at the end: readers of `out`
// see the old bundle or the new one, never a mix. Until then nothing outside the
// staging folder changes, and on failure the folders made for it go again.
class staged_output {
 public:
  staged_output(const fs::path& out, const fs::path& scenario_toml) {
    if (out.empty()) throw diagnostic_error({"--out"}, "no output folder given (an empty path)");
    m_out = fs::absolute(out).lexically_normal();
    if (m_out.filename().empty()) m_out = m_out.parent_path();
    if (const std::string why = refusal(m_out, scenario_toml); !why.empty())
      throw diagnostic_error({out}, fmt::format("will not replace the output folder: {}; triton-aot replaces only "
                                                "an empty folder or a bundle it wrote", why));
    const fs::path parent = m_out.parent_path();
    for (fs::path p = parent; !p.empty() && !fs::exists(p); p = p.parent_path()) m_made.push_back(p);
    std::error_code ec;
    fs::create_directories(parent, ec);
    const std::string name = "." + m_out.filename().string();
    sweep_leftovers(parent, {name + ".tmp-", name + ".old-"});
    m_staging = parent / fmt::format("{}.tmp-{}", name, ::getpid());
    fs::remove_all(m_staging, ec);
    if (!fs::create_directory(m_staging, ec) || ec) {
      remove_made();
      throw diagnostic_error({out}, fmt::format("cannot write the output folder: {}",
                                                ec ? ec.message() : std::string("cannot create ") + m_staging.string()));
    }
  }
  ~staged_output() {
    if (m_committed) return;
    std::error_code ec;
    fs::remove_all(m_staging, ec);
    remove_made();
  }
  const fs::path& path() const { return m_staging; }
  void commit() {
    std::error_code ec;
    const fs::path old = m_out.parent_path() / fmt::format(".{}.old-{}", m_out.filename().string(), ::getpid());
    if (fs::exists(m_out)) {
      fs::rename(m_out, old, ec);
      if (ec) throw diagnostic_error({m_out}, fmt::format("cannot replace the output folder: {}", ec.message()));
    }
    fs::rename(m_staging, m_out, ec);
    if (ec) {
      std::error_code ignored;
      fs::rename(old, m_out, ignored);
      throw diagnostic_error({m_out}, fmt::format("cannot write the output folder: {}", ec.message()));
    }
    m_committed = true;
    fs::remove_all(old, ec);
  }

 private:
  void remove_made() noexcept {
    std::error_code ec;
    for (const auto& dir : m_made) fs::remove(dir, ec);  // deepest first; only if still empty
  }
  fs::path m_out;
  fs::path m_staging;
  std::vector<fs::path> m_made;  // parent folders this run created, deepest first
  bool m_committed = false;
};

}  // namespace

std::string supported_archs_text() {
  std::string out;
  for (int arch : supported_archs) out += fmt::format("{}sm_{}", out.empty() ? "" : " ", arch);
  return out;
}

int parse_arch(std::string_view text, std::string_view origin) {
  std::string_view digits = text;
  if (digits.starts_with("sm_")) digits.remove_prefix(3);
  int value = 0;
  bool ok = !digits.empty() && digits.size() <= 3;
  for (char c : digits) {
    ok = ok && c >= '0' && c <= '9';
    value = value * 10 + (c - '0');
  }
  if (ok && text.starts_with("sm_") && std::find(std::begin(supported_archs), std::end(supported_archs), value) != std::end(supported_archs))
    return value;
  throw diagnostic_error({std::string(origin)},
                         fmt::format("unknown arch '{}' (expected one of {})", text, supported_archs_text()));
}

compile_report compile_scenario(const compile_options& options) {
  const auto started = std::chrono::steady_clock::now();
  const fs::path toml = scenario::resolve_scenario_file(options.scenario);
  const scenario::scenario s = scenario::load_scenario(toml);
  if (options.archs.empty()) throw diagnostic_error({"--arch"}, "no architecture given");
  std::vector<int> archs;  // first-seen order, each once
  for (int arch : options.archs)
    if (std::find(archs.begin(), archs.end(), arch) == archs.end()) archs.push_back(arch);

  staged_output staging(options.out_dir, toml);  // fails early if the output may not or cannot be written

  const fs::path cache = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;
  const support::python_choice chosen = compiler_python(options.python);
  const fs::path& python = chosen.python;
  const fs::path frontend = frontend_dir();
  compile_report report;
  report.triton_version = chosen.triton_version;

  std::map<fs::path, std::string> source_hashes;
  for (const auto& k : s.kernels)
    if (!source_hashes.contains(k.source_path)) source_hashes[k.source_path] = sha256::of(support::read_file(k.source_path));
  const std::string frontend_hash = frontend_fingerprint(frontend);

  std::vector<job> jobs;
  for (const auto& k : s.kernels)
    for (const auto& v : k.variants)
      for (const auto& spec : k.specializations)
        for (int arch : archs) jobs.push_back({&k, &v, &spec, arch, {}, {}, std::to_string(jobs.size())});
  for (const auto& j : jobs) check_launch_attributes_arch(j);

  auto assign_keys = [&] {
    for (auto& j : jobs) {
      j.key = job_key(j, s, report.triton_version, frontend_hash, source_hashes);
      j.cache_entry = cache / j.key.substr(0, 2) / j.key;
    }
  };
  auto is_cached = [&options](const job& j) {
    const entry_check check = check_cache_entry(j.cache_entry, j.key);
    if (check.state == entry_state::corrupt) {
      fmt::print(stderr, "triton-aot: warning: discarding corrupt cache entry {}: {}; compiling it again\n",
                 j.cache_entry.string(), check.why);
      std::error_code ec;
      fs::remove_all(j.cache_entry, ec);
    }
    return check.state == entry_state::valid && (!options.keep_ir || has_ir_stages(j));
  };
  if (!report.triton_version.empty()) assign_keys();

  std::vector<const job*> missing;
  for (const auto& j : jobs)
    if (report.triton_version.empty() || !is_cached(j)) missing.push_back(&j);

  sweep_leftovers(cache, {"tmp-"});  // what runs that were killed left
  std::map<std::string, json> metadata_by_id;
  std::map<std::string, double> seconds_by_id;
  std::map<std::string, std::vector<std::pair<std::string, double>>> stages_by_id;
  if (!missing.empty()) {
    std::error_code ec;
    fs::create_directories(cache, ec);
    const fs::path work = cache / fmt::format("tmp-{}", ::getpid());
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
    if (ec) throw diagnostic_error({cache}, fmt::format("cannot write the compile cache: {}", ec.message()));
    struct cleanup {
      fs::path dir;
      ~cleanup() { std::error_code e; fs::remove_all(dir, e); }
    } remove_work{work};

    json request = {{"jobs", json::array()}};
    for (const job* j : missing) request["jobs"].push_back(job_request(*j, s, work / j->id));
    const int parallel = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    request["parallel"] = std::min<int>(parallel, static_cast<int>(missing.size()));

    // Each image goes into the cache as it finishes: a run that is stopped keeps them.
    // Into the cache as soon as it is made, sealed with its files' hashes and the helper
    // modules it imported (cache_entry.hpp): a stopped run keeps its finished images.
    auto store = [&](const job& j, const json& result) {
      const fs::path produced = work / j.id;
      std::vector<fs::path> imports;
      for (const json& path : result.value("imports", json::array())) imports.emplace_back(path.get<std::string>());
      try {
        seal_cache_entry(produced, j.key, imports);
      } catch (const std::runtime_error& error) {
        throw diagnostic_error({j.cache_entry}, fmt::format("cannot store in the compile cache: {}", error.what()));
      }
      fs::create_directories(j.cache_entry.parent_path(), ec);
      fs::remove_all(j.cache_entry, ec);
      fs::rename(produced, j.cache_entry, ec);
      if (ec) throw diagnostic_error({j.cache_entry}, fmt::format("cannot store in the compile cache: {}", ec.message()));
    };
    report.python_started = true;
    std::size_t done = 0;
    std::vector<json> results;
    std::string importing;  // the kernel file being imported, while it is
    const process_result run = run_process(
        {python.string(), "-m", "tb_aot.frontend"},
        {{"PYTHONPATH", frontend.string()},
         // Triton's own cache lives and dies with this run: its key ignores how
         // source files are named, so a cubin cached under another naming would leak in.
         {"TRITON_CACHE_DIR", (work / "triton-cache").string()},
         {"CUDA_VISIBLE_DEVICES", ""},
         {"TRITON_STORE_BINARY_ONLY", "0"},  // every stage is kept, for --keep-ir
         {"PYTHONDONTWRITEBYTECODE", "1"},
         {"TB_AOT_PARENT_PID", std::to_string(::getpid())}},  // the frontend dies with this process
        request.dump(), [&](std::string_view line) {
          json record = json::parse(line, nullptr, false);
          if (record.is_discarded()) return;
          if (record.contains("triton_version")) {
            report.triton_version = record["triton_version"].get<std::string>();
            assign_keys();
            return;
          }
          if (record.contains("importing")) {
            importing = record["importing"].get<std::string>();
            return;
          }
          if (record.contains("imported")) {
            importing.clear();
            return;
          }
          results.push_back(record);
          if (!record.value("ok", false)) return;
          const job& j = jobs[std::stoul(record["id"].get<std::string>())];
          seconds_by_id[j.id] = record.value("seconds", 0.0);
          for (const json& stage : record.value("stages", json::array()))
            if (stage.is_array() && stage.size() == 2 && stage[0].is_string() && stage[1].is_number())
              stages_by_id[j.id].emplace_back(stage[0].get<std::string>(), stage[1].get<double>());
          if (!report.triton_version.empty()) store(j, record);
          if (options.progress)
            options.progress(fmt::format("[{}/{}] {} {} {} sm_{} ({:.2f} s)", ++done, missing.size(), j.kernel->name,
                                         j.variant->name, j.spec->name, j.arch, record.value("seconds", 0.0)));
        },
        {.own_group = true,
         .line_timeout_ms = options.timeout_seconds > 0 ? std::min(options.timeout_seconds, 2'000'000) * 1000 : -1,
         .cancelled = [&] { return stop_signal(options) != 0; }});
    if (run.cancelled) throw compile_stopped(stop_signal(options));
    if (!run.started)
      throw diagnostic_error({python}, fmt::format("cannot start Python for Triton: {} (run scripts/bootstrap.sh, "
                                                   "or set TRITON_AOT_PYTHON)", run.error));
    if (run.timed_out) {
      const auto late = std::find_if(missing.begin(), missing.end(), [&](const job* j) {
        return std::none_of(results.begin(), results.end(), [&](const json& r) { return r["id"] == j->id; });
      });
      const job& j = **late;
      throw diagnostic_error({j.kernel->source_path},
                             fmt::format("no image finished within {} s (--timeout); stopped while compiling kernel "
                                         "'{}' (variant '{}', {}, sm_{}): does importing or compiling it hang?",
                                         options.timeout_seconds, j.kernel->name, j.variant->name, j.spec->name, j.arch));
    }
    if (results.size() != missing.size()) raise_early_end(run, importing, results.size(), missing.size(), python);
    std::sort(results.begin(), results.end(), [](const json& a, const json& b) {
      return std::stoul(a["id"].get<std::string>()) < std::stoul(b["id"].get<std::string>());
    });
    for (const json& result : results)
      if (!result.value("ok", false))
        raise_frontend_error(result["error"], jobs[std::stoul(result["id"].get<std::string>())]);
    if (report.triton_version.empty()) throw diagnostic_error({python}, "the Triton frontend did not report its version");
  }
  if (const int signal = stop_signal(options)) throw compile_stopped(signal);

  // Assemble the bundle from the cache, checking every cubin.
  bundle b{&s, report.triton_version, archs, {}, options.keep_ir};
  for (const auto& k : s.kernels) {
    kernel_record kr{&k, {}};
    for (const auto& v : k.variants) {
      variant_record vr{&v, {}};
      for (const auto& spec : k.specializations) {
        specialization_record sr{&spec, kept_params(k, spec), {}};
        for (const auto& j : jobs) {
          if (j.kernel != &k || j.variant != &v || j.spec != &spec) continue;
          const json metadata = json::parse(support::read_file(j.cache_entry / fmt::format("sm_{}.json", j.arch)));
          image_record cubin = make_image(j, j.cache_entry, "cubin", metadata);
          check_launch_attributes(j, cubin);
          check_cubin(j, cubin);
          image_record ptx = make_image(j, j.cache_entry, "ptx", metadata);
          ptx.registers = cubin.registers;
          ptx.static_shared = cubin.static_shared;
          const bool cached = !seconds_by_id.contains(j.id);
          report.timings.push_back({k.name, v.name, spec.name, j.arch, cached ? 0.0 : seconds_by_id[j.id], cached,
                                    cached ? std::vector<std::pair<std::string, double>>{} : stages_by_id[j.id]});
          (cached ? report.cached : report.compiled)++;
          sr.images.push_back(std::move(cubin));
          sr.images.push_back(std::move(ptx));
          if (options.keep_ir)
            for (ir_record& r : read_ir_stages(j)) sr.ir.push_back(std::move(r));
        }
        vr.specializations.push_back(std::move(sr));
      }
      kr.variants.push_back(std::move(vr));
    }
    b.kernels.push_back(std::move(kr));
  }
  report.images = jobs.size();

  const fs::path out = staging.path();
  for (const auto& kr : b.kernels)
    for (const auto& vr : kr.variants)
      for (const auto& sr : vr.specializations) {
        for (const auto& image : sr.images)
          write_file(out / image.path, std::string_view(reinterpret_cast<const char*>(image.bytes.data()), image.bytes.size()));
        for (const auto& r : sr.ir)  // the ptx stage is the ptx image's file, written above
          if (r.stage != "ptx")
            write_file(out / r.path, std::string_view(reinterpret_cast<const char*>(r.bytes.data()), r.bytes.size()));
      }
  write_file(out / "manifest.json", manifest_json(b));
  write_file(out / header_file_name(b), generated_header(b));
  write_file(out / source_file_name(b), generated_source(b));
  if (const int signal = stop_signal(options)) throw compile_stopped(signal);
  staging.commit();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace tb::compiler
