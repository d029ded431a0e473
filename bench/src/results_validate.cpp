#include "results_validate.hpp"

#include "results.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <vector>

namespace tb::bench {

using nlohmann::json;

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
  // {"metric id": "why it was not measured", ...}
  void reasons(const json& obj, const std::string& path) {
    if (!obj.is_object()) return problem(path, "is not an object");
    for (const auto& [id, why] : obj.items())
      if (!why.is_string()) problem(path + "." + id, "is not a string");
  }
  // A sample list with its summary: {"samples_ns": [...], "summary": {...}}, `n` of them.
  void cold_samples(const json& obj, const std::string& path, std::size_t n) {
    const json* samples = array(obj, path, "samples_ns");
    if (const json* s = member(obj, path, "summary")) summary(*s, path + ".summary");
    if (samples && samples->size() != n)
      problem(path, fmt::format("{} samples_ns, the cold start has {}", samples->size(), n));
    if (samples)
      for (const auto& x : *samples)
        if (!x.is_number() || x.get<double>() < 0) return problem(path + ".samples_ns", "has a negative or no number");
  }
  // Optional (issue 18): the phases of a cold start, which add up to its samples, and the
  // time after the context.
  void cold_phases(const json& c, const std::string& path, const json* totals) {
    const json* phases = array(c, path, "phases");
    const std::size_t n = totals ? totals->size() : 0;
    if (!phases) return;
    if (phases->empty()) problem(path + ".phases", "is empty (absent when there is no breakdown)");
    std::vector<double> sums(n, 0.0);
    bool summed = !phases->empty();  // every phase has a number per process
    std::set<std::string> names;
    for (std::size_t k = 0; k < phases->size(); ++k) {
      const std::string pp = fmt::format("{}.phases[{}]", path, k);
      const json& phase = (*phases)[k];
      string(phase, pp, "phase");
      if (phase.is_object() && phase.contains("phase") && phase.at("phase").is_string() &&
          !names.insert(phase.at("phase").get<std::string>()).second)
        problem(pp, fmt::format("phase '{}' again", phase.at("phase").get<std::string>()));
      cold_samples(phase, pp, n);
      const bool counted = phase.is_object() && phase.contains("samples_ns") && phase.at("samples_ns").is_array() &&
                           phase.at("samples_ns").size() == n;
      summed = summed && counted;
      for (std::size_t r = 0; counted && r < n; ++r) {
        const json& x = phase.at("samples_ns")[r];
        summed = summed && x.is_number();
        if (x.is_number()) sums[r] += x.get<double>();
      }
    }
    for (std::size_t r = 0; summed && r < n; ++r)
      if ((*totals)[r].is_number() && std::fabs(sums[r] - (*totals)[r].get<double>()) > 1.0)
        problem(path + ".phases", fmt::format("process {}: the phases add up to {} ns, its samples_ns is {} ns", r + 1,
                                              sums[r], (*totals)[r].get<double>()));
    if (const json* a = member(c, path, "after_context")) cold_samples(*a, path + ".after_context", n);
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
  // Not j.value("schema", ""): that throws nlohmann's type_error when "schema" is no string.
  if (!(j.contains("schema") && j["schema"].is_string() && j["schema"].get<std::string>() == results_schema))
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
      if (me->contains("traced_records")) v.one_of(*me, "method", "traced_records", {"all", "gpu", "split"});
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
      if (m.contains("not_measured")) v.reasons(m["not_measured"], p + ".not_measured");
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
      const json* samples = v.array((*cold)[i], p, "samples_ns");
      if (const json* s = v.member((*cold)[i], p, "summary")) v.summary(*s, p + ".summary");
      if ((*cold)[i].is_object() && (*cold)[i].contains("phases")) v.cold_phases((*cold)[i], p, samples);
    }
  return v.problems;
}

}  // namespace tb::bench
