#include "launch_plan.hpp"

#include "host_data.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <stdexcept>

namespace tb::bench {

namespace sc = tb::scenario;
namespace rt = tb::runtime;

std::uint64_t encode_scalar(const std::string& type, const sc::number& value) {
  const double d = sc::to_double(value);
  const std::int64_t i = std::holds_alternative<std::int64_t>(value) ? std::get<std::int64_t>(value)
                                                                     : static_cast<std::int64_t>(d);
  std::uint64_t slot = 0;
  auto put = [&](auto v) { std::memcpy(&slot, &v, sizeof v); };
  if (type == "fp32") put(static_cast<float>(d));
  else if (type == "fp64") put(d);
  else if (type == "fp16") put(float_to_half(static_cast<float>(d)));
  // bf16 as Triton's launcher packs it (pack_bf16: the fp32 bits' top half, truncated),
  // so that the AOT side passes the bits the JIT passes.
  else if (type == "bf16") put(static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(static_cast<float>(d)) >> 16));
  else if (type == "i1" || type == "u1" || type == "i8" || type == "u8") put(static_cast<std::uint8_t>(i));
  else if (type == "i16" || type == "u16") put(static_cast<std::uint16_t>(i));
  else if (type == "i32" || type == "u32") put(static_cast<std::uint32_t>(i));
  else put(static_cast<std::uint64_t>(i));
  return slot;
}

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
      std::int64_t hint_value = 0;
      rt::arg_kind kind = rt::arg_kind::other;
      if (a.is_buffer) {
        const std::uint64_t address =
            buffer_addresses[a.buffer] + static_cast<std::uint64_t>(a.offset) * sc::dtype_size(s.buffers[a.buffer].dtype);
        pa.slot = address;
        hint_value = static_cast<std::int64_t>(address);
        kind = rt::arg_kind::pointer;
      } else {
        pa.slot = encode_scalar(param.type, a.value);
        if (param.type[0] == 'i' || param.type[0] == 'u') {
          hint_value = std::get<std::int64_t>(a.value);
          kind = rt::arg_kind::integer;
        }
      }
      p.args.push_back(pa);
      p.hint_values.push_back(hint_value);
      p.kinds.push_back(kind);
    }
    for (const auto& spec : p.variant->specializations) {
      std::vector<rt::hint_test> tests;
      for (const auto& [name, hint] : spec.hints) {
        std::uint32_t i = 0;
        while (i < k.params.size() && k.params[i].name != name) ++i;
        if (i == k.params.size())
          throw std::runtime_error(fmt::format("{}: specialisation '{}' names '{}', not an argument", where, spec.name, name));
        if (hint != 16 && hint != 1)
          throw std::runtime_error(fmt::format("{}: specialisation '{}' gives '{}' the hint {}, not 16 or 1", where,
                                               spec.name, name, hint));
        tests.push_back({i, static_cast<rt::hint>(hint)});
      }
      p.candidates.push_back(std::move(tests));
    }
    out.push_back(std::move(p));
  }
  return out;
}

const rt::specialization_desc* choose_specialization(const planned_launch& l) noexcept {
  const std::size_t i = rt::choose(l.candidates, l.hint_values, l.kinds);
  return i == rt::npos ? nullptr : &l.variant->specializations[i];
}

std::size_t pack_params(const planned_launch& l, const rt::specialization_desc& spec, void** params) noexcept {
  return rt::pack(spec.kernel_params, [&l](std::uint32_t i) { return const_cast<std::uint64_t*>(&l.args[i].slot); },
                  params);
}

}  // namespace tb::bench
