#include "results.hpp"

#include <tb/profiler/analysis.hpp>

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <limits>
#include <ostream>
#include <set>
#include <stdexcept>

namespace tb::bench {

using nlohmann::json;

const metric_result* mode_result::find(std::string_view id) const noexcept {
  for (const auto& m : metrics)
    if (m.id == id) return &m;
  return nullptr;
}

const mode_result* results::find(tb::bench::mode mode) const noexcept {
  for (const auto& m : modes)
    if (m.mode == mode && m.instance == 1) return &m;
  return nullptr;
}

namespace {
constexpr std::array<std::pair<check_kind, std::string_view>, 5> check_kind_names = {{
    {check_kind::jit_exact, "jit-exact"},
    {check_kind::jit_tolerance, "jit-tolerance"},
    {check_kind::host_model, "host-model"},
    {check_kind::oracle, "oracle"},
    {check_kind::unchecked, "unchecked"},
}};
}  // namespace

std::string_view to_string(check_kind k) noexcept { return check_kind_names[static_cast<std::size_t>(k)].second; }

namespace {
// The names alone, in order, for the validator.
std::array<std::string_view, check_kind_names.size()> check_kind_texts() {
  std::array<std::string_view, check_kind_names.size()> out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = check_kind_names[i].second;
  return out;
}
}  // namespace

std::optional<check_kind> parse_check_kind(std::string_view text) noexcept {
  for (const auto& [k, name] : check_kind_names)
    if (name == text) return k;
  return std::nullopt;
}

std::vector<repeat_agreement> repeat_agreements(const results& r) {
  std::vector<repeat_agreement> out;
  constexpr std::string_view metric = "host.time_per_launch";
  for (const auto& m : r.modes) {
    if (m.instance == 1 || m.status != "ok") continue;
    const mode_result* first = r.find(m.mode);
    if (!first || first->status != "ok") continue;
    const metric_result* a = first->find(metric);
    const metric_result* b = m.find(metric);
    if (!a || !b || a->stats.n == 0 || b->stats.n == 0 || !(a->stats.median > 0)) continue;
    out.push_back({first->label(), m.label(), std::string(metric), a->stats.median, b->stats.median,
                   100.0 * std::fabs(b->stats.median - a->stats.median) / a->stats.median});
  }
  return out;
}

const std::vector<metric_label>& table_metrics() {
  static const std::vector<metric_label> rows = {
      {"gap.before_target", "gap before target"},
      {"gap.after_target", "gap after target"},
      {"launch.dispatch_overhead", "dispatch overhead"},
      {"launch.api_duration", "launch API time"},
      {"host.time_per_launch", "host time per launch"},
      {"host.time_per_launch_traced", "  same, while traced"},
      {"launch.latency", "launch latency"},
      {"module.time_per_iteration", "module load / iteration"},
      {"kernel.duration", "kernel time"},
      {"iteration.duration", "iteration time (traced)"},
      {"host.iteration", "iteration time (host clock)"},
      {"gpu.busy_per_iteration", "GPU busy"},
  };
  return rows;
}

namespace {

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

double number_of(const json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

const json& need(const json& j, const char* key, const std::string& path) {
  if (!j.is_object() || !j.contains(key)) throw std::runtime_error(fmt::format("{}: missing '{}'", path, key));
  return j.at(key);
}

std::string str(const json& j, const char* key, const std::string& path) {
  const json& v = need(j, key, path);
  if (v.is_null()) return {};
  if (!v.is_string()) throw std::runtime_error(fmt::format("{}.{}: not a string", path, key));
  return v.get<std::string>();
}

tb::profiler::summary summary_from_json(const json& j) {
  tb::profiler::summary s;
  s.n = j.value("n", std::size_t{0});
  s.mean = number_of(j.value("mean", json()));
  s.median = number_of(j.value("median", json()));
  s.ci_low = number_of(j.value("ci95_low", json()));
  s.ci_high = number_of(j.value("ci95_high", json()));
  s.p5 = number_of(j.value("p5", json()));
  s.p95 = number_of(j.value("p95", json()));
  s.p99 = number_of(j.value("p99", json()));
  s.min = number_of(j.value("min", json()));
  s.max = number_of(j.value("max", json()));
  s.mad = number_of(j.value("mad", json()));
  s.ci_from_bootstrap = j.value("ci_method", json()) == "bootstrap";
  return s;
}

}  // namespace

json summary_to_json(const tb::profiler::summary& s) {
  const bool empty = s.n == 0;
  auto v = [&](double x) { return empty ? json(nullptr) : number_or_null(x); };
  return json{{"n", s.n},           {"mean", v(s.mean)}, {"median", v(s.median)}, {"ci95_low", v(s.ci_low)},
              {"ci95_high", v(s.ci_high)}, {"p5", v(s.p5)}, {"p95", v(s.p95)},       {"p99", v(s.p99)},
              {"min", v(s.min)},   {"max", v(s.max)},   {"mad", v(s.mad)},
              {"ci_method", empty ? json(nullptr) : json(s.ci_from_bootstrap ? "bootstrap" : "order_statistic")}};
}

json to_json(const results& r) {
  json j;
  j["schema"] = results_schema;
  j["version"] = results_version;
  j["created"] = r.created;
  j["tool"] = {{"git_commit", r.git_commit}, {"git_source", r.git_source}, {"hostname", r.hostname}};
  j["machine"] = {{"gpu", {{"name", r.gpu_name}, {"ordinal", r.gpu_ordinal}, {"compute_capability", r.compute_capability}}},
                  {"driver_version", r.driver_version}, {"cuda_version", r.cuda_version},
                  {"cupti_version", r.cupti_version},   {"triton_version", r.triton_version},
                  {"torch_version", r.torch_version}};
  json kernels = json::array();
  for (const auto& k : r.kernels)
    kernels.push_back({{"launch", k.launch}, {"kernel", k.kernel}, {"variant", k.variant},
                       {"specialization", k.specialization}, {"arch", k.arch}, {"format", k.format},
                       {"sha256", k.sha256}, {"size", k.size}});
  j["scenario"] = {{"name", r.scenario}, {"file", r.scenario_file}, {"target", r.target},
                   {"launches_per_iteration", r.launches_per_iteration}, {"bundle_dir", r.bundle_dir},
                   {"kernels", kernels}};
  j["method"] = {{"warmup", r.warmup}, {"iterations_per_round", r.iterations_per_round}, {"rounds", r.rounds},
                 {"time_limit_s", r.time_limit_s}, {"target_ci_percent", r.target_ci_percent},
                 {"stop_reason", r.stop_reason}, {"elapsed_s", r.elapsed_s}, {"clock_floor_ns", r.clock_floor_ns},
                 {"interleaved", true}, {"traced_rounds", r.traced_rounds}, {"host_timing", r.host_timing}, {"cpu", r.cpu}, {"gpu_warmup_s", r.gpu_warmup_s},
                 {"gpu_warmup_settled", r.gpu_warmup_settled}};
  json modes = json::array();
  for (const auto& m : r.modes) {
    json metrics = json::object();
    for (const auto& x : m.metrics)
      metrics[x.id] = {{"unit", x.unit}, {"summary", summary_to_json(x.stats)}, {"samples", x.samples},
                       {"at_clock_floor", x.at_clock_floor}};
    json check = {{"kind", to_string(m.check.kind)},
                  {"status", m.check.status},
                  {"message", m.check.message},
                  {"max_abs_error", m.check.max_abs_error},
                  {"worst", nullptr}};
    if (const auto& w = m.check.worst)
      check["worst"] = {{"buffer", w->buffer}, {"index", w->index}, {"got", w->got}, {"expected", w->expected},
                        {"abs_error", w->abs_error}};
    json mj = {{"mode", to_string(m.mode)},
               {"instance", m.instance},
               {"status", m.status},
               {"error", m.error},
               {"check", check},
               {"trace", m.trace_file.empty() ? json(nullptr) : json(m.trace_file)},
               {"iterations", m.iterations},
               {"dropped_records", m.dropped_records},
               {"metrics", metrics}};
    modes.push_back(std::move(mj));
  }
  j["modes"] = modes;
  json code = json::array();
  for (const auto& c : r.code)
    code.push_back({{"launch", c.launch}, {"kernel", c.kernel}, {"verdict", c.verdict}, {"summary", c.summary},
                    {"reasons", c.reasons}});
  j["code"] = code;
  j["ratios_to"] = to_string(reference_mode);
  json repeats = json::array();
  for (const auto& a : repeat_agreements(r))
    repeats.push_back({{"first", a.first}, {"repeat", a.repeat}, {"metric", a.metric}, {"first_median", a.first_median},
                       {"repeat_median", a.repeat_median}, {"difference_percent", a.difference_percent},
                       {"goal_percent", repeat_goal_percent}});
  j["repeats"] = repeats;
  json cold = json::array();
  for (const auto& c : r.cold_start)
    cold.push_back({{"label", c.label}, {"status", c.status}, {"error", c.error}, {"samples_ns", c.samples_ns},
                    {"summary", summary_to_json(c.stats)}});
  j["cold_start"] = cold;
  return j;
}

results results_from_json(const json& j) {
  if (const auto problems = validate_results_json(j); !problems.empty())
    throw std::runtime_error(fmt::format("not a valid results file: {}{}", problems.front(),
                                         problems.size() > 1 ? fmt::format(" (and {} more)", problems.size() - 1) : ""));
  results r;
  r.created = str(j, "created", "");
  const json& tool = j.at("tool");
  r.git_commit = str(tool, "git_commit", "tool");
  r.git_source = str(tool, "git_source", "tool");
  r.hostname = tool.value("hostname", "");
  const json& m = j.at("machine");
  r.gpu_name = str(m.at("gpu"), "name", "machine.gpu");
  r.gpu_ordinal = m.at("gpu").value("ordinal", 0);
  r.compute_capability = m.at("gpu").value("compute_capability", 0);
  r.driver_version = str(m, "driver_version", "machine");
  r.cuda_version = str(m, "cuda_version", "machine");
  r.cupti_version = str(m, "cupti_version", "machine");
  r.triton_version = str(m, "triton_version", "machine");
  r.torch_version = m.value("torch_version", "");
  const json& s = j.at("scenario");
  r.scenario = str(s, "name", "scenario");
  r.scenario_file = s.value("file", "");
  r.target = str(s, "target", "scenario");
  r.bundle_dir = s.value("bundle_dir", "");
  r.launches_per_iteration = s.at("launches_per_iteration").get<std::uint64_t>();
  for (const auto& k : s.at("kernels"))
    r.kernels.push_back({k.at("launch").get<std::size_t>(), k.at("kernel").get<std::string>(),
                         k.at("variant").get<std::string>(), k.at("specialization").get<std::string>(),
                         k.at("arch").get<int>(), k.at("format").get<std::string>(), k.at("sha256").get<std::string>(),
                         k.at("size").get<std::uint64_t>()});
  const json& me = j.at("method");
  r.warmup = me.at("warmup").get<int>();
  r.iterations_per_round = me.at("iterations_per_round").get<int>();
  r.rounds = me.at("rounds").get<int>();
  r.time_limit_s = me.at("time_limit_s").get<double>();
  r.target_ci_percent = me.at("target_ci_percent").get<double>();
  r.stop_reason = me.at("stop_reason").get<std::string>();
  r.elapsed_s = me.at("elapsed_s").get<double>();
  r.clock_floor_ns = me.at("clock_floor_ns").get<double>();
  r.traced_rounds = me.value("traced_rounds", 0);  // version 2
  r.host_timing = me.value("host_timing", "back-to-back");  // version 1 timed while traced, back to back
  r.cpu = me.value("cpu", -1);
  r.gpu_warmup_s = me.value("gpu_warmup_s", 0.0);
  r.gpu_warmup_settled = me.value("gpu_warmup_settled", false);
  for (const auto& mj : j.at("modes")) {
    mode_result mr;
    const std::string name = mj.at("mode").get<std::string>();
    const auto mode = parse_mode(name);
    if (!mode) throw std::runtime_error(fmt::format("modes: unknown mode '{}' (expected one of {})", name, mode_names()));
    mr.mode = *mode;
    mr.instance = mj.value("instance", 1);  // version 1 had none
    mr.status = mj.at("status").get<std::string>();
    mr.error = mj.value("error", "");
    const json& c = mj.at("check");
    mr.check.status = c.at("status").get<std::string>();
    mr.check.message = c.value("message", "");
    mr.check.max_abs_error = c.value("max_abs_error", 0.0);
    // Versions 1 and 2 checked against the host model only.
    const auto kind = parse_check_kind(c.value("kind", mr.check.status == "unchecked" ? "unchecked" : "host-model"));
    if (!kind) throw std::runtime_error(fmt::format("modes: unknown check kind '{}'", c.value("kind", "")));
    mr.check.kind = *kind;
    if (c.contains("worst") && c["worst"].is_object()) {
      const json& w = c["worst"];
      mr.check.worst = worst_element{w.at("buffer").get<std::string>(), w.at("index").get<std::int64_t>(),
                                     number_of(w.at("got")), number_of(w.at("expected")), number_of(w.at("abs_error"))};
    }
    mr.trace_file = mj.at("trace").is_string() ? mj.at("trace").get<std::string>() : "";
    mr.iterations = mj.at("iterations").get<std::uint64_t>();
    mr.dropped_records = mj.value("dropped_records", std::uint64_t{0});
    if (mj.contains("jit_cubin") && mj["jit_cubin"].value("compared", false)) {
      // Before version 3 the jit mode compared whole files: one line per launch.
      const json& jc = mj["jit_cubin"];
      if (jc.value("identical", false))
        for (const auto& k : r.kernels) r.code.push_back({k.launch, k.kernel, "identical-file", "identical file", {}});
      else
        for (const auto& d : jc.value("differences", std::vector<std::string>{}))
          r.code.push_back({0, "", "different-code", "different files: " + d, {}});
    }
    for (const auto& [id, x] : mj.at("metrics").items()) {
      metric_result mt;
      mt.id = id;
      mt.unit = x.at("unit").get<std::string>();
      for (const auto& v : x.at("samples")) mt.samples.push_back(number_of(v));
      mt.stats = summary_from_json(x.at("summary"));
      mt.at_clock_floor = x.value("at_clock_floor", std::size_t{0});
      mr.metrics.push_back(std::move(mt));
    }
    r.modes.push_back(std::move(mr));
  }
  for (const auto& c : j.value("code", json::array())) {  // version 3
    r.code.push_back({c.at("launch").get<std::size_t>(), c.at("kernel").get<std::string>(),
                      c.at("verdict").get<std::string>(), c.at("summary").get<std::string>(),
                      c.at("reasons").get<std::vector<std::string>>()});
  }
  for (const auto& c : j.at("cold_start")) {
    cold_start_result cr;
    cr.label = c.at("label").get<std::string>();
    cr.status = c.at("status").get<std::string>();
    cr.error = c.value("error", "");
    for (const auto& v : c.at("samples_ns")) cr.samples_ns.push_back(number_of(v));
    cr.stats = summary_from_json(c.at("summary"));
    r.cold_start.push_back(std::move(cr));
  }
  return r;
}

// ---- validation ----

namespace {

struct validator {
  std::vector<std::string> problems;

  void problem(const std::string& path, const std::string& what) { problems.push_back(fmt::format("{}: {}", path, what)); }

  const json* member(const json& obj, const std::string& path, const char* key) {
    if (!obj.is_object()) {
      problem(path, "is not an object");
      return nullptr;
    }
    if (!obj.contains(key)) {
      problem(path, fmt::format("missing '{}'", key));
      return nullptr;
    }
    return &obj.at(key);
  }
  void string(const json& obj, const std::string& path, const char* key, bool nullable = false) {
    if (const json* v = member(obj, path, key); v && !v->is_string() && !(nullable && v->is_null()))
      problem(path + "." + key, "is not a string");
  }
  void integer(const json& obj, const std::string& path, const char* key) {
    if (const json* v = member(obj, path, key); v && !v->is_number_integer())
      problem(path + "." + key, "is not an integer");
  }
  void number(const json& obj, const std::string& path, const char* key) {
    if (const json* v = member(obj, path, key); v && !v->is_number()) problem(path + "." + key, "is not a number");
  }
  void boolean(const json& obj, const std::string& path, const char* key) {
    if (const json* v = member(obj, path, key); v && !v->is_boolean()) problem(path + "." + key, "is not a boolean");
  }
  void one_of(const json& obj, const std::string& path, const char* key, std::initializer_list<std::string_view> allowed) {
    one_of<std::initializer_list<std::string_view>>(obj, path, key, allowed);
  }
  template <class Names>  // a range of std::string_view
  void one_of(const json& obj, const std::string& path, const char* key, const Names& allowed) {
    const json* v = member(obj, path, key);
    if (!v) return;
    if (!v->is_string()) return problem(path + "." + key, "is not a string");
    for (auto a : allowed)
      if (v->get<std::string>() == a) return;
    std::string list;
    for (auto a : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
    problem(path + "." + key, fmt::format("'{}' is not one of {}", v->get<std::string>(), list));
  }
  const json* array(const json& obj, const std::string& path, const char* key) {
    const json* v = member(obj, path, key);
    if (v && !v->is_array()) {
      problem(path + "." + key, "is not an array");
      return nullptr;
    }
    return v;
  }
  void summary(const json& s, const std::string& path) {
    if (!s.is_object()) return problem(path, "is not an object");
    integer(s, path, "n");
    const bool empty = s.value("n", 0) == 0;
    for (const char* k : {"mean", "median", "ci95_low", "ci95_high", "p5", "p95", "p99", "min", "max", "mad"}) {
      const json* v = member(s, path, k);
      if (v && !v->is_number() && !(empty && v->is_null()) && !v->is_null())
        problem(path + "." + k, "is not a number or null");
    }
    if (const json* v = member(s, path, "ci_method"); v && !v->is_null()) one_of(s, path, "ci_method", {"bootstrap", "order_statistic"});
    if (!empty && s.contains("ci95_low") && s.contains("median") && s.contains("ci95_high") && s["ci95_low"].is_number() &&
        s["median"].is_number() && s["ci95_high"].is_number() &&
        !(s["ci95_low"].get<double>() <= s["median"].get<double>() && s["median"].get<double>() <= s["ci95_high"].get<double>()))
      problem(path, "the median lies outside its 95 % interval");
  }
};

}  // namespace

std::vector<std::string> validate_results_json(const json& j) {
  validator v;
  if (!j.is_object()) return {"(root): is not an object"};
  if (j.value("schema", "") != results_schema)
    v.problem("schema", fmt::format("expected \"{}\"", results_schema));
  // Version 1 (no mode instances, no warm-up fields) is read as a subset of 2.
  const int version = j.contains("version") && j["version"].is_number_integer() ? j["version"].get<int>() : 0;
  if (version < 1 || version > results_version)
    v.problem("version", fmt::format("expected {} (or 1, 2)", results_version));
  v.string(j, "(root)", "created");
  if (const json* tool = v.member(j, "(root)", "tool")) {
    v.string(*tool, "tool", "git_commit");
    v.one_of(*tool, "tool", "git_source", {"git", "build", "unknown"});
  }
  if (const json* m = v.member(j, "(root)", "machine")) {
    if (const json* gpu = v.member(*m, "machine", "gpu")) {
      v.string(*gpu, "machine.gpu", "name");
      v.integer(*gpu, "machine.gpu", "ordinal");
      v.integer(*gpu, "machine.gpu", "compute_capability");
    }
    for (const char* k : {"driver_version", "cuda_version", "cupti_version", "triton_version"}) v.string(*m, "machine", k);
  }
  if (const json* s = v.member(j, "(root)", "scenario")) {
    v.string(*s, "scenario", "name");
    v.string(*s, "scenario", "target");
    v.integer(*s, "scenario", "launches_per_iteration");
    if (const json* ks = v.array(*s, "scenario", "kernels"))
      for (std::size_t i = 0; i < ks->size(); ++i) {
        const std::string p = fmt::format("scenario.kernels[{}]", i);
        const json& k = (*ks)[i];
        v.integer(k, p, "launch");
        for (const char* f : {"kernel", "variant", "specialization", "sha256"}) v.string(k, p, f);
        v.integer(k, p, "arch");
        v.integer(k, p, "size");
        v.one_of(k, p, "format", {"cubin", "ptx"});
        if (k.contains("sha256") && k["sha256"].is_string() && k["sha256"].get<std::string>().size() != 64)
          v.problem(p + ".sha256", "is not 64 hex digits");
      }
  }
  if (const json* me = v.member(j, "(root)", "method")) {
    for (const char* k : {"warmup", "iterations_per_round", "rounds"}) v.integer(*me, "method", k);
    for (const char* k : {"time_limit_s", "target_ci_percent", "elapsed_s", "clock_floor_ns"}) v.number(*me, "method", k);
    v.one_of(*me, "method", "stop_reason", {"converged", "time_limit", "rounds", "none"});
    if (version >= 2) {
      v.integer(*me, "method", "traced_rounds");
      v.one_of(*me, "method", "host_timing", {"drained", "back-to-back"});
      v.integer(*me, "method", "cpu");
      v.number(*me, "method", "gpu_warmup_s");
      v.boolean(*me, "method", "gpu_warmup_settled");
    }
  }
  std::set<std::string> seen;
  if (const json* modes = v.array(j, "(root)", "modes"))
    for (std::size_t i = 0; i < modes->size(); ++i) {
      const json& m = (*modes)[i];
      const std::string p = fmt::format("modes[{}]", i);
      if (m.contains("mode") && (!m["mode"].is_string() || !parse_mode(m["mode"].get<std::string>())))
        v.problem(p + ".mode", fmt::format("expected one of {}", mode_names()));
      else if (!m.contains("mode"))
        v.problem(p + ".mode", "is missing");
      int instance = 1;
      if (version >= 2) {
        v.integer(m, p, "instance");
        if (m.contains("instance") && m["instance"].is_number_integer()) instance = m["instance"].get<int>();
        if (instance < 1) v.problem(p + ".instance", "is not 1 or more");
      }
      if (m.contains("mode") && m["mode"].is_string() &&
          !seen.insert(fmt::format("{}#{}", m["mode"].get<std::string>(), instance)).second)
        v.problem(p + ".mode", "appears twice with the same instance");
      v.one_of(m, p, "status", {"ok", "failed", "skipped"});
      v.string(m, p, "error");
      if (const json* c = v.member(m, p, "check")) {
        v.one_of(*c, p + ".check", "status", {"passed", "failed", "unchecked"});
        if (version >= 3) v.one_of(*c, p + ".check", "kind", check_kind_texts());
        v.string(*c, p + ".check", "message");
        v.number(*c, p + ".check", "max_abs_error");
        if (m.value("status", "") == "ok" && c->value("status", "") == "failed")
          v.problem(p, "a mode whose check failed cannot have status ok");
      }
      v.string(m, p, "trace", true);
      v.integer(m, p, "iterations");
      if (version == 2 && m.value("mode", "") == "jit") {
        if (const json* c = v.member(m, p, "jit_cubin")) {
          v.boolean(*c, p + ".jit_cubin", "compared");
          v.boolean(*c, p + ".jit_cubin", "identical");
          v.array(*c, p + ".jit_cubin", "differences");
        }
      }
      if (const json* metrics = v.member(m, p, "metrics")) {
        if (!metrics->is_object()) {
          v.problem(p + ".metrics", "is not an object");
          continue;
        }
        for (const auto& [id, x] : metrics->items()) {
          const std::string mp = fmt::format("{}.metrics.{}", p, id);
          v.one_of(x, mp, "unit", {"ns", "percent", "count"});
          const json* samples = v.array(x, mp, "samples");
          if (samples)
            for (const auto& s : *samples)
              if (!s.is_number()) {
                v.problem(mp + ".samples", "holds a value that is not a number");
                break;
              }
          v.integer(x, mp, "at_clock_floor");
          if (const json* s = v.member(x, mp, "summary")) {
            v.summary(*s, mp + ".summary");
            if (samples && s->is_object() && s->contains("n") && s->at("n").is_number_integer() &&
                s->at("n").get<std::size_t>() != samples->size())
              v.problem(mp, "summary.n differs from the number of samples");
          }
        }
      }
    }
  v.string(j, "(root)", "ratios_to");
  if (version >= 3)
    if (const json* code = v.array(j, "(root)", "code"))
      for (std::size_t i = 0; i < code->size(); ++i) {
        const std::string p = fmt::format("code[{}]", i);
        const json& c = (*code)[i];
        v.integer(c, p, "launch");
        v.string(c, p, "kernel");
        v.one_of(c, p, "verdict", {"identical-file", "identical-code", "different-code", "not-compared"});
        v.string(c, p, "summary");
        v.array(c, p, "reasons");
      }
  if (const json* cold = v.array(j, "(root)", "cold_start"))
    for (std::size_t i = 0; i < cold->size(); ++i) {
      const std::string p = fmt::format("cold_start[{}]", i);
      v.string((*cold)[i], p, "label");
      v.one_of((*cold)[i], p, "status", {"ok", "failed", "skipped"});
      v.array((*cold)[i], p, "samples_ns");
      if (const json* s = v.member((*cold)[i], p, "summary")) v.summary(*s, p + ".summary");
    }
  return v.problems;
}

// ---- table ----

std::string format_value(double value, std::string_view unit) {
  if (!std::isfinite(value)) return "-";
  if (unit == "percent") return fmt::format("{:.1f} %", value);
  if (unit == "count") return fmt::format("{:.3g}", value);
  return tb::profiler::format_duration(value);
}

namespace {

std::string ci_half_percent(const tb::profiler::summary& s) {
  if (s.n == 0 || !std::isfinite(s.ci_low) || !std::isfinite(s.ci_high) || s.median == 0) return "";
  return fmt::format(" ±{:.1f}%", 100.0 * (s.ci_high - s.ci_low) / 2.0 / std::fabs(s.median));
}

void print_header(std::ostream& out, const results& r) {
  out << fmt::format("scenario {}  target {}  {} launch{} per iteration\n", r.scenario, r.target,
                     r.launches_per_iteration, r.launches_per_iteration == 1 ? "" : "es");
  out << fmt::format("GPU {} (sm_{})  driver {}  CUDA {}  CUPTI {}  Triton {}  commit {}\n",
                     r.gpu_name.empty() ? "?" : r.gpu_name, r.compute_capability, r.driver_version, r.cuda_version,
                     r.cupti_version, r.triton_version.empty() ? "-" : r.triton_version,
                     r.git_commit.empty() ? "unknown" : r.git_commit.substr(0, 12));
  out << fmt::format("method: warm-up {} iterations per mode{}; {} untraced rounds interleaved (host time, {}{}; stop: {}), "
                     "then {} traced rounds (gaps, latency, kernel time); at most {} iterations per batch; {:.1f} s\n",
                     r.warmup,
                     r.gpu_warmup_s > 0 ? fmt::format(", GPU settled in {:.2f} s{}", r.gpu_warmup_s,
                                                      r.gpu_warmup_settled ? "" : " (NOT settled: timings may drift)")
                                        : "",
                     r.rounds, r.host_timing, r.cpu >= 0 ? fmt::format(", on CPU {}", r.cpu) : "", r.stop_reason,
                     r.traced_rounds, r.iterations_per_round, r.elapsed_s);
}

// What each mode's outputs were checked against, and whether each launch ran the
// JIT's code: the lines a user reads first.
void print_checks(std::ostream& out, const results& r) {
  for (const auto& m : r.modes) {
    if (m.status == "skipped") continue;
    std::string line = fmt::format("check {:<16} {:<13} {:<9} {}", m.label(), to_string(m.check.kind), m.check.status,
                                   m.check.message);
    out << (m.check.status == "failed" || m.check.kind == check_kind::unchecked ? "!! " : "") << line << "\n";
  }
  // The summary of different code ends with its reasons; the JSON keeps them one by one.
  for (const auto& c : r.code)
    out << fmt::format("{}code  launch {} ({}): {}\n", c.verdict == "different-code" ? "!! " : "", c.launch + 1,
                       c.kernel, c.summary);
}

void print_mode_notes(std::ostream& out, const results& r) {
  for (const auto& m : r.modes) {
    if (m.status != "ok")
      out << fmt::format("!! mode {} {}: {}\n", m.label(), m.status == "failed" ? "FAILED" : "skipped", m.error);
    if (m.dropped_records > 0)
      out << fmt::format("!! mode {}: CUPTI dropped {} records: its metrics are incomplete\n", m.label(), m.dropped_records);
  }
}

std::string pad(const std::string& s, std::size_t width, bool left = false) {
  // width in characters; "±" and "µ" count as one
  std::size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xc0) != 0x80;
  if (chars >= width) return s;
  return left ? s + std::string(width - chars, ' ') : std::string(width - chars, ' ') + s;
}

void print_cold_start(std::ostream& out, const results& r) {
  if (r.cold_start.empty()) return;
  out << "\ncold start: process start to the first kernel's completion, fresh process each time\n";
  out << fmt::format("{} {:>4} {:>12} {:>26}\n", pad("mode", 30, true), "n", "median", "min .. max");
  for (const auto& c : r.cold_start) {
    if (c.status != "ok") {
      out << fmt::format("{} {}: {}\n", pad(c.label, 30, true), c.status, c.error);
      continue;
    }
    out << fmt::format("{} {:>4} {:>12} {:>26}\n", pad(c.label, 30, true), c.stats.n, format_value(c.stats.median, "ns"),
                       format_value(c.stats.min, "ns") + " .. " + format_value(c.stats.max, "ns"));
  }
}

}  // namespace

void print_results_table(std::ostream& out, const results& r) {
  print_header(out, r);
  print_checks(out, r);
  print_mode_notes(out, r);
  std::vector<const mode_result*> ok;
  for (const auto& m : r.modes)
    if (m.status == "ok") ok.push_back(&m);
  if (ok.size() == 1) {
    const mode_result& m = *ok.front();
    out << fmt::format("\nmode {}  ({} iterations measured, check: {} {})\n", m.label(), m.iterations,
                       to_string(m.check.kind), m.check.status);
    out << fmt::format("{} {:>7} {:>11}  {:>25}  {:>25} {:>10} {:>7}\n", pad("metric", 28, true), "n", "median",
                       "95% CI of the median", "spread p5 .. p95", "MAD", "floor");
    for (const auto& row : table_metrics()) {
      const metric_result* x = m.find(row.id);
      if (!x) continue;
      const auto& s = x->stats;
      out << fmt::format("{} {:>7} {:>11}  {:>25}  {:>25} {:>10} {:>7}\n", pad(std::string(row.label), 28, true), s.n,
                         format_value(s.median, x->unit),
                         s.n ? "[" + format_value(s.ci_low, x->unit) + ", " + format_value(s.ci_high, x->unit) + "]" : "-",
                         s.n ? format_value(s.p5, x->unit) + " .. " + format_value(s.p95, x->unit) : "-",
                         format_value(s.mad, x->unit), x->at_clock_floor);
    }
  } else if (ok.size() > 1) {
    out << "\nmedian ±half-width of its 95% interval (% of the median)\n";
    std::string header = pad("metric", 28, true);
    for (const auto* m : ok) header += " " + pad(m->label(), 20);
    out << header << "\n";
    for (const auto& row : table_metrics()) {
      std::string line = pad(std::string(row.label), 28, true);
      bool any = false;
      for (const auto* m : ok) {
        const metric_result* x = m->find(row.id);
        any = any || (x && x->stats.n > 0);
        line += " " + pad(x && x->stats.n ? format_value(x->stats.median, x->unit) + ci_half_percent(x->stats) : "-", 20);
      }
      if (any) out << line << "\n";
    }
    const mode_result* ref = r.find(reference_mode);
    if (ref && ref->status == "ok") {
      out << fmt::format("\nratio of the median to {} (x: times the {} value)\n", to_string(reference_mode),
                         to_string(reference_mode));
      header = pad("metric", 28, true);
      for (const auto* m : ok) header += " " + pad(m->label(), 14);
      out << header << "\n";
      for (const auto& row : table_metrics()) {
        const metric_result* base = ref->find(row.id);
        if (!base || base->stats.n == 0) continue;
        std::string line = pad(std::string(row.label), 28, true);
        for (const auto* m : ok) {
          const metric_result* x = m->find(row.id);
          std::string cell = "-";
          if (x && x->stats.n && base->stats.median != 0)
            cell = fmt::format("{:.2f}x", x->stats.median / base->stats.median);
          line += " " + pad(cell, 14);
        }
        out << line << "\n";
      }
      if (const mode_result* jit = r.find(mode::jit); jit && jit->status == "ok") {
        auto ratio = [&](std::string_view id) {
          const auto* a = jit->find(id);
          const auto* b = ref->find(id);
          return a && b && a->stats.n && b->stats.n && b->stats.median > 0 ? a->stats.median / b->stats.median
                                                                            : std::numeric_limits<double>::quiet_NaN();
        };
        out << fmt::format("\njit / {}: host time per launch {:.2f}x (goal >= 4.5x), gap before target {:.2f}x "
                           "(goal >= 4x)\n",
                           to_string(reference_mode), ratio("host.time_per_launch"), ratio("gap.before_target"));
      }
    } else {
      out << fmt::format("\n(no ratios: mode {} was not run or failed)\n", to_string(reference_mode));
    }
  } else {
    out << "\nno mode ran successfully\n";
  }
  for (const auto& a : repeat_agreements(r))
    out << fmt::format("{}repeat: {} vs {}: host time per launch {} vs {}, {:.2f} % apart (goal <= {:.0f} %)\n",
                       a.difference_percent <= repeat_goal_percent ? "" : "!! ", a.first, a.repeat,
                       format_value(a.first_median, "ns"), format_value(a.repeat_median, "ns"), a.difference_percent,
                       repeat_goal_percent);
  print_cold_start(out, r);
}

void print_recorded(std::ostream& out, const results& r, std::string_view source) {
  const std::string banner = fmt::format("RECORDED RUN, not measured on this machine: {} on {} ({})",
                                         r.gpu_name.empty() ? "unknown GPU" : r.gpu_name,
                                         r.created.empty() ? "an unknown date" : r.created.substr(0, 10), source);
  out << std::string(banner.size(), '=') << "\n" << banner << "\n" << std::string(banner.size(), '=') << "\n";
  print_results_table(out, r);
}

}  // namespace tb::bench
