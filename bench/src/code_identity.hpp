// Same code, or why not: compares the cubin an AOT launch runs with the cubin Triton's
// JIT built for the same launch, by what the GPU executes rather than byte for byte.
//
// How the harness calls it (bench/src/harness.cpp, check_jit, per launch i):
//
//   // AOT side: the image cubin-cached chose (record_images), described from the bundle.
//   const nlohmann::json aot_md = aot_image_metadata(m_bundle, kernel, variant, spec.name, arch);
//   // JIT side: the runner writes D/launch_<i>.json beside D/launch_<i>.cubin with
//   //   from tb_aot.metadata import describe   # compiler/python/tb_aot/metadata.py
//   //   json.dump(describe(kernel), f)         # kernel = fn[grid](*args, **kwargs)
//   const nlohmann::json jit_md = nlohmann::json::parse(read_text(D / "launch_<i>.json"));
//   const code_identity id = compare_code({"AOT", aot_bytes, &aot_md}, {"JIT", jit_bytes, &jit_md});
//   // id.verdict: identical_file or identical_code: the same code runs; id.summary is one
//   // line for the report: "identical code (debug info differs: .debug_line, ...)",
//   // "different code (.text.add_kernel, ...): num_warps: AOT 4, JIT 8".
//
// A side without metadata passes nullptr (the comparison still runs; "different code"
// then says the cause is unknown). Pure functions: no I/O, no globals.
//
// What counts as code (method): the sections are paired by name. Debug sections
// (.debug_*, .nv_debug*, their .rel/.rela relocations, and the same under .nv.merc.)
// and notes (.note.*: the ptxas version and options) hold no code; the symbol and string
// tables and the section name table are file layout (their contents follow from the
// others), compared through the kernels' symbols instead. Everything else is code:
// .text.*, .nv.info*, .nv.constant*, .nv.shared*, .nv.callgraph, .nv.capmerc.*, the
// relocations of code, and any section not named above; plus the ELF header's
// e_machine, e_flags (the SM), ABI version, OS/ABI and type, and each function and
// object symbol's value, size, binding, type, st_other and section.
#pragma once

#include <tb/runtime/bundle.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tb::bench {

enum class code_verdict {
  identical_file,  // the same bytes
  identical_code,  // only sections without code (or only the file layout) differ
  different_code,  // a code section, the ELF header or a kernel symbol differs
  unreadable,      // a side has no cubin or one that is not a readable ELF file
};
std::string_view to_string(code_verdict v) noexcept;  // "identical file", "identical code", ...

struct code_side {
  std::string_view label;                  // "AOT", "JIT": names the side in every text
  std::string_view cubin;                  // the file's bytes
  const nlohmann::json* metadata = nullptr;  // Triton's description (keys below), or null
};

struct code_identity {
  code_verdict verdict = code_verdict::unreadable;
  std::string summary;                  // one line, starting with to_string(verdict)
  std::vector<std::string> reasons;     // different_code: why, from the metadata and the ELF header
  std::vector<std::string> differing_sections;        // code: section names, "ELF header e_flags",
                                                      // "symbol add_kernel"; "(only in JIT)" appended
  std::vector<std::string> differing_other_sections;  // debug sections and notes that differ
};

code_identity compare_code(const code_side& a, const code_side& b);

// The causes of different code that the two metadata objects show, one line each
// ("num_warps: AOT 4, JIT 8", "signature type of 'n': AOT i32, JIT i64 (...)"); empty
// when they agree. Metadata keys, as Triton names them (tb_aot.metadata.describe writes
// all of them; a key missing on either side is not compared):
//   options:  num_warps num_stages num_ctas maxnreg enable_fp_fusion enable_reflect_ftz
//             launch_cooperative_grid launch_pdl debug sanitize_overflow ptx_version ...
//   version:  triton_version;  target: "target" {"arch": 90} (or "arch": "sm90");  name
//   specialisation (Triton's serialize_specialization_data keys): "signature"
//             {argument: "i32" | "*fp32" | "constexpr"}, "constant_keys"/"constant_vals",
//             "attrs_keys"/"attrs_vals" ([["tt.divisibility", 16]]), "arg_names" (the
//             function's parameters in order; without it the index keys read "#3").
std::vector<std::string> metadata_reasons(const nlohmann::json& a, std::string_view a_label,
                                          const nlohmann::json& b, std::string_view b_label);

// The AOT side's metadata in those keys, from what the bundle's manifest says about one
// image (docs/aot-bundle.md): the variant's num_warps, num_stages and constexprs, the
// specialisation's hints (16: tt.divisibility 16; 1: the constant 1), the parameters'
// types, the bundle's Triton version, `arch`, the image's symbol and launch fields.
// arg_names lists the runtime arguments, then the constexprs (the manifest does not keep
// where the constexprs sit among them). Throws std::invalid_argument naming what the
// bundle lacks.
nlohmann::json aot_image_metadata(const tb::runtime::bundle& b, std::string_view kernel, std::string_view variant,
                                  std::string_view specialization, int arch);

}  // namespace tb::bench
