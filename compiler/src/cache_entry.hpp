// One entry of triton-aot's compile cache: a folder <cache>/<key[0:2]>/<key> with
// sm_N.{cubin,ptx,json} and `complete`, written last. `complete` is JSON: the key,
// each file's SHA-256, and the Python files the kernel's module imported (outside the
// standard library and site-packages) with their SHA-256. A lookup checks all of it
// without starting Python (docs/compile-time.md, "The cache").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tb::compiler {

enum class entry_state { missing, valid, stale, corrupt };

struct entry_check {
  entry_state state = entry_state::missing;
  std::string why;  // for stale and corrupt: what did not match
};

entry_check check_cache_entry(const std::filesystem::path& entry, const std::string& key);

// Writes `complete` into `dir`, hashing every file there and each of `imports`.
// Throws std::runtime_error naming a file it cannot read.
void seal_cache_entry(const std::filesystem::path& dir, const std::string& key,
                      const std::vector<std::filesystem::path>& imports);

}  // namespace tb::compiler
