#include "jit_plan.hpp"

#include <tb/support/atomic_file.hpp>

#include <tb/scenario/types.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace tb::bench {

namespace fs = std::filesystem;
namespace sc = tb::scenario;
using nlohmann::json;

namespace {

json constexpr_json(const sc::constexpr_value& v) {
  return std::visit([](const auto& x) { return json(x); }, v);
}

bool is_float_type(const std::string& type) {
  const auto t = sc::lookup_type(type);
  return t && t->is_float;
}

}  // namespace

jit_plan make_jit_plan(const sc::scenario& s, const fs::path& init_dir, const std::vector<std::string>& specializations) {
  jit_plan p;
  p.scenario = s.name;
  p.init_dir = init_dir;
  for (const auto& k : s.kernels)
    p.kernels.push_back({k.name, k.source_path.string(), fmt::format("{}/{}", s.name, fs::path(k.source).generic_string())});
  for (const auto& b : s.buffers) p.buffers.push_back({b.name, b.dtype, b.size});
  for (std::size_t li = 0; li < s.launches.size(); ++li) {
    const auto& l = s.launches[li];
    const auto& k = s.kernels[l.kernel];
    const auto& v = k.variants[l.variant];
    jit_plan_launch pl;
    pl.kernel = l.kernel;
    pl.variant = v.name;
    pl.num_warps = v.num_warps;
    pl.num_stages = v.num_stages;
    pl.num_ctas = v.num_ctas;
    pl.launch_pdl = v.launch_pdl;
    pl.launch_cooperative_grid = v.launch_cooperative_grid;
    for (const auto& [name, value] : v.constexprs) pl.constexprs[name] = constexpr_json(value);
    pl.grid = l.grid;
    for (const auto& a : l.args) {
      const auto& param = k.params[a.param];
      jit_plan_arg pa{param.name, param.type, std::nullopt, 0, std::int64_t{0}};
      if (a.is_buffer) {
        pa.buffer = a.buffer;
        pa.offset = a.offset;
      } else if (is_float_type(param.type)) {
        pa.value = sc::to_double(a.value);
      } else {
        pa.value = std::holds_alternative<std::int64_t>(a.value) ? std::get<std::int64_t>(a.value)
                                                                 : static_cast<std::int64_t>(sc::to_double(a.value));
      }
      pl.args.push_back(std::move(pa));
    }
    if (li < specializations.size()) pl.specialization = specializations[li];
    p.launches.push_back(std::move(pl));
  }
  return p;
}

json to_json(const jit_plan& p) {
  json kernels = json::array(), buffers = json::array(), launches = json::array();
  for (const auto& k : p.kernels) kernels.push_back({{"name", k.name}, {"source", k.source}, {"module", k.module}});
  for (const auto& b : p.buffers) buffers.push_back({{"name", b.name}, {"dtype", b.dtype}, {"size", b.size}});
  for (const auto& l : p.launches) {
    json args = json::array();
    for (const auto& a : l.args) {
      json aj = {{"name", a.name}, {"type", a.type}};
      if (a.buffer) {
        aj["buffer"] = *a.buffer;
        aj["offset"] = a.offset;
      } else {
        std::visit([&](auto x) { aj["value"] = x; }, a.value);
      }
      args.push_back(std::move(aj));
    }
    launches.push_back({{"kernel", l.kernel}, {"variant", l.variant}, {"num_warps", l.num_warps},
                        {"num_stages", l.num_stages}, {"num_ctas", l.num_ctas}, {"launch_pdl", l.launch_pdl},
                        {"launch_cooperative_grid", l.launch_cooperative_grid}, {"constexprs", l.constexprs},
                        {"grid", l.grid}, {"args", args}, {"specialization", l.specialization}});
  }
  return {{"schema", jit_plan_schema}, {"version", jit_plan_version}, {"scenario", p.scenario},
          {"init_dir", p.init_dir.string()}, {"kernels", kernels}, {"buffers", buffers}, {"launches", launches}};
}

namespace {

// Reads with the JSON path of every item, so that an error names it.
struct reader {
  template <class T>
  static T get(const json& j, const std::string& path, const char* key) {
    const std::string where = path.empty() ? key : path + "." + key;
    if (!j.is_object() || !j.contains(key)) throw std::runtime_error(where + ": missing");
    try {
      return j.at(key).get<T>();
    } catch (const json::exception&) {
      throw std::runtime_error(where + ": wrong type");
    }
  }
  static const json& array(const json& j, const std::string& path, const char* key) {
    const std::string where = path.empty() ? key : path + "." + key;
    if (!j.is_object() || !j.contains(key) || !j.at(key).is_array()) throw std::runtime_error(where + ": not an array");
    return j.at(key);
  }
};

jit_plan_arg arg_from_json(const json& a, const std::string& p, std::size_t buffers) {
  jit_plan_arg out{reader::get<std::string>(a, p, "name"), reader::get<std::string>(a, p, "type"), std::nullopt, 0,
                   std::int64_t{0}};
  if (a.contains("buffer")) {
    out.buffer = reader::get<std::size_t>(a, p, "buffer");
    if (*out.buffer >= buffers) throw std::runtime_error(p + ".buffer: no such buffer");
    out.offset = reader::get<std::int64_t>(a, p, "offset");
  } else if (a.contains("value") && a["value"].is_number_integer()) {
    out.value = a["value"].get<std::int64_t>();
  } else if (a.contains("value") && a["value"].is_number()) {
    out.value = a["value"].get<double>();
  } else {
    throw std::runtime_error(p + ": neither a buffer nor a numeric value");
  }
  return out;
}

}  // namespace

jit_plan jit_plan_from_json(const json& j) {
  if (!j.is_object() || j.value("schema", "") != jit_plan_schema)
    throw std::runtime_error(fmt::format("schema: expected \"{}\"", jit_plan_schema));
  if (j.value("version", 0) != jit_plan_version)
    throw std::runtime_error(fmt::format("version: expected {}", jit_plan_version));
  jit_plan p;
  p.scenario = reader::get<std::string>(j, "", "scenario");
  p.init_dir = reader::get<std::string>(j, "", "init_dir");
  const json& ks = reader::array(j, "", "kernels");
  for (std::size_t i = 0; i < ks.size(); ++i) {
    const std::string at = fmt::format("kernels[{}]", i);
    p.kernels.push_back({reader::get<std::string>(ks[i], at, "name"), reader::get<std::string>(ks[i], at, "source"),
                         reader::get<std::string>(ks[i], at, "module")});
  }
  const json& bs = reader::array(j, "", "buffers");
  for (std::size_t i = 0; i < bs.size(); ++i) {
    const std::string at = fmt::format("buffers[{}]", i);
    p.buffers.push_back({reader::get<std::string>(bs[i], at, "name"), reader::get<std::string>(bs[i], at, "dtype"),
                         reader::get<std::int64_t>(bs[i], at, "size")});
  }
  const json& ls = reader::array(j, "", "launches");
  for (std::size_t i = 0; i < ls.size(); ++i) {
    const std::string at = fmt::format("launches[{}]", i);
    const json& l = ls[i];
    jit_plan_launch pl;
    pl.kernel = reader::get<std::size_t>(l, at, "kernel");
    if (pl.kernel >= p.kernels.size()) throw std::runtime_error(at + ".kernel: no such kernel");
    pl.variant = reader::get<std::string>(l, at, "variant");
    pl.num_warps = reader::get<int>(l, at, "num_warps");
    pl.num_stages = reader::get<int>(l, at, "num_stages");
    pl.num_ctas = reader::get<int>(l, at, "num_ctas");
    pl.launch_pdl = reader::get<bool>(l, at, "launch_pdl");
    pl.launch_cooperative_grid = reader::get<bool>(l, at, "launch_cooperative_grid");
    pl.constexprs = reader::get<json>(l, at, "constexprs");
    if (!pl.constexprs.is_object()) throw std::runtime_error(at + ".constexprs: not an object");
    pl.grid = reader::get<std::array<std::int64_t, 3>>(l, at, "grid");
    const json& as = reader::array(l, at, "args");
    for (std::size_t a = 0; a < as.size(); ++a)
      pl.args.push_back(arg_from_json(as[a], fmt::format("{}.args[{}]", at, a), p.buffers.size()));
    pl.specialization = reader::get<std::string>(l, at, "specialization");
    p.launches.push_back(std::move(pl));
  }
  return p;
}

void write_jit_plan(const jit_plan& p, const fs::path& file) {
  fs::create_directories(file.parent_path());
  tb::support::write_file_atomically(file, to_json(p).dump(1) + "\n");
}

}  // namespace tb::bench
