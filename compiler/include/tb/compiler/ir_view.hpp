// Triton's stages of a compiled image, in view (issue 17): `triton-aot ir` prints one
// stage of an image of a bundle compiled with --keep-ir, `triton-aot diff-ir` compares
// the stages of two images (docs/aot-bundle.md, "Triton's stages").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tb::compiler {

struct ir_query {
  std::filesystem::path bundle;  // the bundle folder (its manifest.json)
  std::string kernel;
  std::string variant;           // empty: the kernel's first variant
  std::string spec;              // empty: the variant's first (most specialised) specialisation
  int arch = 0;                  // 0: the bundle's first arch
  std::string stage = "ttgir";   // one of ir_stages
};

struct ir_stage_text {
  std::filesystem::path file;    // the stage's file in the bundle
  std::string text;
};

// The stage the query names, its file checked against the manifest's SHA-256. Throws
// tb::scenario::diagnostic_error (one line naming the file, the item and what was
// expected) for a missing bundle, an unknown kernel, variant, specialisation or arch,
// a bundle compiled without --keep-ir, or a file that differs from its hash.
ir_stage_text read_ir_stage(const ir_query& query);

// One side of diff-ir: an image of a bundle (its path without extension,
// images/K/V/S/sm_90, or any of its files), or a folder of Triton's own cache (the
// JIT's entry for a kernel: NAME.ttir NAME.ttgir NAME.llir NAME.ptx ...).
struct ir_side {
  std::filesystem::path given;
  std::vector<std::filesystem::path> files;  // one per ir_stages entry; an empty ttir for one compiled from TTGIR
};

// Throws diagnostic_error naming the path when it is neither, or lacks a stage.
ir_side open_ir_side(const std::filesystem::path& path);

struct stage_difference {
  std::string stage;
  bool same = true;
  std::size_t lines_a = 0, lines_b = 0;
  std::size_t first_line = 0;  // 1-based line of the first difference, 0 when same
  char absent_in = 0;          // 'A' or 'B': that side has no such stage (compiled from TTGIR); '2': neither
};

struct ir_diff {
  std::vector<stage_difference> stages;  // in ir_stages order
  std::string first_hunk;                // the first differing stage, as a unified-diff hunk; empty when same
  bool differs() const;
};

// Compares every stage of `a` and `b`. With `ignore_locations`, MLIR location
// attributes (`loc(...)`, `#locN = ...` lines), LLVM/PTX debug-location lines and PTX's
// DWARF `.section .debug_*` blocks are
// left out of the comparison, so AOT and JIT builds of one kernel from different paths
// compare equal when only their source paths differ.
ir_diff diff_ir(const ir_side& a, const ir_side& b, bool ignore_locations);

// The report diff-ir prints.
std::string format_ir_diff(const ir_side& a, const ir_side& b, const ir_diff& diff);

}  // namespace tb::compiler
