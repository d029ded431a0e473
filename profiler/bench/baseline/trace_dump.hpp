// Every field of a trace as text, strings by content (ids and table order left out), for
// comparing the reader with the frozen baseline reader (tb.test.profiler.reader_baseline).
// Included by code compiled as tb (the test) and as tb_baseline (baseline_reader.cpp).
#pragma once

#include <tb/profiler/trace.hpp>

#include <string>

namespace tb::profiler::testing {

inline std::string dump_trace(const trace& t) {
  std::string s;
  auto str = [&](string_id id) {
    s += '"';
    s += t.str(id);
    s += "\" ";
  };
  auto num = [&](auto v) {
    s += std::to_string(v);
    s += ' ';
  };
  const auto& m = t.metadata();
  s += "metadata gpu=" + m.gpu_name + "|driver=" + m.driver_version + "|cuda=" + m.cuda_version +
       "|cupti=" + m.cupti_version + "|mode=" + m.mode + "|scenario=" + m.scenario +
       "|dropped=" + std::to_string(m.dropped_records) + "\n";
  for (const auto& [k, v] : m.values) s += "value " + k + "=" + v + "\n";
  for (const auto& p : t.processes()) {
    s += "process ";
    num(p.pid);
    str(p.name);
    num(static_cast<int>(p.kind));
    num(p.device_id);
    num(p.sort_index);
    s += '\n';
  }
  for (const auto& k : t.tracks()) {
    s += "track ";
    num(k.process);
    num(k.tid);
    str(k.name);
    num(static_cast<int>(k.kind));
    num(k.sort_index);
    s += '\n';
  }
  for (const auto& e : t.events()) {
    s += "event ";
    num(e.start_ns);
    num(e.end_ns);
    num(e.correlation_id);
    str(e.name);
    num(e.track);
    num(e.process);
    num(static_cast<int>(e.kind));
    num(e.return_value);
    num(e.cbid);
    if (const auto* k = t.kernel_of(e)) {
      s += "kernel ";
      for (const auto v : {k->grid.x, k->grid.y, k->grid.z, k->block.x, k->block.y, k->block.z, k->device_id}) num(v);
      for (const auto v : {k->registers_per_thread, k->static_shared_bytes, k->dynamic_shared_bytes, k->graph_id,
                           k->context_id}) {
        num(v);
      }
      num(k->stream_id);
      num(k->module_id);
    }
    for (const auto& a : t.args_of(e)) {
      s += "arg ";
      str(a.key);
      str(a.value);
    }
    s += '\n';
  }
  return s;
}

}  // namespace tb::profiler::testing
