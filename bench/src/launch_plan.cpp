#include "launch_plan.hpp"

#include "host_data.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <stdexcept>

namespace tb::bench {

namespace sc = tb::scenario;
namespace rt = tb::runtime;

namespace {

std::uint64_t encode(const std::string& type, const sc::number& value) {
  const double d = sc::to_double(value);
  const std::int64_t i = std::holds_alternative<std::int64_t>(value) ? std::get<std::int64_t>(value)
                                                                     : static_cast<std::int64_t>(d);
  std::uint64_t slot = 0;
  auto put = [&](auto v) { std::memcpy(&slot, &v, sizeof v); };
  if (type == "fp32") put(static_cast<float>(d));
  else if (type == "fp64") put(d);
  else if (type == "fp16") put(float_to_half(static_cast<float>(d)));
  else if (type == "bf16") put(float_to_bfloat16(static_cast<float>(d)));
  else if (type == "i1" || type == "u1" || type == "i8" || type == "u8") put(static_cast<std::uint8_t>(i));
  else if (type == "i16" || type == "u16") put(static_cast<std::uint16_t>(i));
  else if (type == "i32" || type == "u32") put(static_cast<std::uint32_t>(i));
  else put(static_cast<std::uint64_t>(i));
  return slot;
}

}  // namespace

std::vector<planned_launch> plan_launches(const sc::scenario& s, const rt::bundle& b,
                                          const std::vector<std::uint64_t>& buffer_addresses) {
  if (buffer_addresses.size() != s.buffers.size())
    throw std::logic_error("plan_launches: one device address per buffer is needed");
  std::vector<planned_launch> out;
  for (std::size_t li = 0; li < s.launches.size(); ++li) {
    const auto& l = s.launches[li];
    const auto& k = s.kernels[l.kernel];
    const auto& v = k.variants[l.variant];
    const std::string where = fmt::format("{}: [[launch]] {} ({})", sc::format_location(l.where), li + 1, k.name);
    planned_launch p;
    p.scenario_launch = li;
    p.kernel = b.find_kernel(k.name);
    if (!p.kernel)
      throw std::runtime_error(fmt::format("{}: the bundle in {} has no kernel '{}' (recompile the scenario)", where,
                                           b.directory().string(), k.name));
    for (const auto& bv : p.kernel->variants)
      if (bv.name == v.name) p.variant = &bv;
    if (!p.variant || p.variant->specializations.empty())
      throw std::runtime_error(fmt::format("{}: the bundle has no variant '{}' of '{}'", where, v.name, k.name));
    if (p.kernel->params.size() != k.params.size())
      throw std::runtime_error(fmt::format("{}: the bundle's '{}' takes {} arguments, the scenario's {}", where, k.name,
                                           p.kernel->params.size(), k.params.size()));
    if (p.kernel->params.size() > max_kernel_params)
      throw std::runtime_error(fmt::format("{}: more than {} arguments", where, max_kernel_params));
    p.grid = {static_cast<std::uint32_t>(l.grid[0]), static_cast<std::uint32_t>(l.grid[1]),
              static_cast<std::uint32_t>(l.grid[2])};
    for (const auto& a : l.args) {
      const auto& param = k.params[a.param];
      if (p.kernel->params[a.param].type != param.type)
        throw std::runtime_error(fmt::format("{}: argument '{}' is {} in the bundle but {} in the scenario", where,
                                             param.name, p.kernel->params[a.param].type, param.type));
      planned_arg pa;
      if (a.is_buffer) {
        const std::uint64_t address =
            buffer_addresses[a.buffer] + static_cast<std::uint64_t>(a.offset) * sc::dtype_size(s.buffers[a.buffer].dtype);
        pa.slot = address;
        pa.hint_value = static_cast<std::int64_t>(address);
        pa.pointer = true;
      } else {
        pa.slot = encode(param.type, a.value);
        pa.integer = param.type[0] == 'i' || param.type[0] == 'u';
        pa.hint_value = pa.integer ? std::get<std::int64_t>(a.value) : 0;
      }
      p.args.push_back(pa);
    }
    for (const auto& spec : p.variant->specializations) {
      planned_candidate c{&spec, {}};
      for (const auto& [name, hint] : spec.hints) {
        std::uint32_t i = 0;
        while (i < k.params.size() && k.params[i].name != name) ++i;
        if (i == k.params.size())
          throw std::runtime_error(fmt::format("{}: specialisation '{}' names '{}', not an argument", where, spec.name, name));
        c.hints.emplace_back(i, hint);
      }
      p.candidates.push_back(std::move(c));
    }
    out.push_back(std::move(p));
  }
  return out;
}

const rt::specialization_desc* choose_specialization(const planned_launch& l) noexcept {
  for (const auto& c : l.candidates) {
    bool ok = true;
    for (const auto& [i, hint] : c.hints) {
      const auto& a = l.args[i];
      if (hint == 16) ok = (a.pointer || a.integer) && a.hint_value % 16 == 0;
      else if (hint == 1) ok = a.integer && a.hint_value == 1;
      else ok = false;
      if (!ok) break;
    }
    if (ok) return c.spec;
  }
  return nullptr;
}

std::size_t pack_params(const planned_launch& l, const rt::specialization_desc& spec, void** params) noexcept {
  std::size_t n = 0;
  for (const std::uint32_t index : spec.kernel_params)
    params[n++] = const_cast<std::uint64_t*>(&l.args[index].slot);
  for (std::uint32_t i = 0; i < rt::scratch_param_count; ++i) params[n + i] = nullptr;
  return n;
}

}  // namespace tb::bench
