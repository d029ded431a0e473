#include "results_json.hpp"

#include "results_validate.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace tb::bench {

using nlohmann::json;

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
                 {"interleaved", true}, {"traced_rounds", r.traced_rounds},
                 {"traced_records", r.traced_records}, {"host_timing", r.host_timing}, {"cpu", r.cpu}, {"gpu_warmup_s", r.gpu_warmup_s},
                 {"gpu_warmup_settled", r.gpu_warmup_settled}};
  if (r.test_launch_delay_ns > 0) j["method"]["test_launch_delay_ns"] = r.test_launch_delay_ns;
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
    for (const auto& u : m.not_measured) mj["not_measured"][u.id] = u.reason;
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
  for (const auto& c : r.cold_start) {
    json entry = {{"label", c.label}, {"status", c.status}, {"error", c.error}, {"samples_ns", c.samples_ns},
                  {"summary", summary_to_json(c.stats)}};
    if (!c.phases.empty()) {  // optional: absent before the breakdown (issue 18)
      json phases = json::array();
      for (const auto& p : c.phases)
        phases.push_back({{"phase", p.name}, {"samples_ns", p.samples_ns}, {"summary", summary_to_json(p.stats)}});
      entry["phases"] = phases;
      entry["after_context"] = {{"samples_ns", c.after_context.samples_ns},
                                {"summary", summary_to_json(c.after_context.stats)}};
    }
    cold.push_back(entry);
  }
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
  r.traced_records = me.value("traced_records", "all");  // before it was written, every kind
  r.host_timing = me.value("host_timing", "back-to-back");  // version 1 timed while traced, back to back
  r.cpu = me.value("cpu", -1);
  r.gpu_warmup_s = me.value("gpu_warmup_s", 0.0);
  r.gpu_warmup_settled = me.value("gpu_warmup_settled", false);
  r.test_launch_delay_ns = me.value("test_launch_delay_ns", std::uint64_t{0});
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
    const json not_measured = mj.value("not_measured", json::object());  // named: items() would dangle
    for (const auto& [id, why] : not_measured.items()) mr.not_measured.push_back({id, why.get<std::string>()});
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
    for (const auto& p : c.value("phases", json::array())) {
      cold_phase_result phase;
      phase.name = p.at("phase").get<std::string>();
      for (const auto& v : p.at("samples_ns")) phase.samples_ns.push_back(number_of(v));
      phase.stats = summary_from_json(p.at("summary"));
      cr.phases.push_back(std::move(phase));
    }
    if (const auto a = c.find("after_context"); a != c.end()) {
      cr.after_context.name = "after_context";
      for (const auto& v : a->at("samples_ns")) cr.after_context.samples_ns.push_back(number_of(v));
      cr.after_context.stats = summary_from_json(a->at("summary"));
    }
    r.cold_start.push_back(std::move(cr));
  }
  return r;
}

}  // namespace tb::bench
