#include <tb/compiler/bundle.hpp>
#include <tb/compiler/ir_view.hpp>
#include <tb/scenario/diagnostic.hpp>
#include <tb/support/read_file.hpp>
#include <tb/support/sha256.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

namespace tb::compiler {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using scenario::diagnostic_error;

std::string names_of(const json& items) {
  std::string out;
  for (const json& item : items) out += fmt::format("{}{}", out.empty() ? "" : ", ", item.value("name", "?"));
  return out.empty() ? "none" : out;
}

// The item of `items` named `name`, or the first when `name` is empty.
json pick(const json& items, const std::string& name, const fs::path& manifest, const std::string& what,
                 const std::string& owner) {
  if (!items.is_array() || items.empty())
    throw diagnostic_error({manifest}, fmt::format("{} has no {}", owner, what));
  if (name.empty()) return items.front();
  for (const json& item : items)
    if (item.value("name", "") == name) return item;
  throw diagnostic_error({manifest}, fmt::format("{} has no {} '{}' (expected one of {})", owner, what, name,
                                                 names_of(items)));
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// `text` without its `loc(...)` attributes (balanced parentheses, quotes respected).
std::string without_loc_attributes(const std::string& line) {
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t at = line.find("loc(", i);
    if (at == std::string::npos || (at > 0 && (std::isalnum(static_cast<unsigned char>(line[at - 1])) || line[at - 1] == '_'))) {
      if (at == std::string::npos) {
        out += line.substr(i);
        break;
      }
      out += line.substr(i, at + 4 - i);
      i = at + 4;
      continue;
    }
    out += line.substr(i, at - i);
    int depth = 0;
    bool quoted = false;
    std::size_t j = at + 3;
    for (; j < line.size(); ++j) {
      const char c = line[j];
      if (quoted) {
        if (c == '\\') ++j;
        else if (c == '"') quoted = false;
      } else if (c == '"') quoted = true;
      else if (c == '(') ++depth;
      else if (c == ')' && --depth == 0) break;
    }
    i = j + 1;
    while (!out.empty() && out.back() == ' ') out.pop_back();
  }
  return out;
}

bool starts_trimmed(const std::string& line, std::string_view prefix) {
  const std::size_t first = line.find_first_not_of(" \t");
  return first != std::string::npos && std::string_view(line).substr(first).starts_with(prefix);
}

// The lines of a stage as compared: all of them, or without source locations.
std::vector<std::string> comparable_lines(const std::string& text, bool ignore_locations) {
  std::vector<std::string> lines = split_lines(text);
  if (!ignore_locations) return lines;
  std::vector<std::string> out;
  bool in_debug_section = false;  // PTX's DWARF: `.section .debug_* { ... }` encodes the paths
  for (std::string& line : lines) {
    if (starts_trimmed(line, ".section") && line.find(".debug_") != std::string::npos) {
      in_debug_section = true;
      continue;
    }
    if (in_debug_section) {
      if (starts_trimmed(line, "}")) in_debug_section = false;
      continue;
    }
    if (starts_trimmed(line, "#loc") || starts_trimmed(line, ".loc") || starts_trimmed(line, ".file") ||
        (starts_trimmed(line, "!") && line.find("!DI") != std::string::npos))
      continue;
    if (const std::size_t dbg = line.find(", !dbg !"); dbg != std::string::npos) line.erase(dbg);
    out.push_back(without_loc_attributes(line));
  }
  return out;
}

std::string read_text(const fs::path& file) {
  try {
    return support::read_file(file);
  } catch (const std::runtime_error&) {
    throw diagnostic_error({file}, "cannot read the file");
  }
}

// One line of an edit script: ' ' kept, '-' only in A, '+' only in B, with its line
// number in A (for ' ' and '-') or B (for '+').
struct edit {
  char mark;
  std::size_t line_a, line_b;
};

// Myers' O((N+M)D) shortest edit script; an empty result when more than `max_d`
// edits would be needed (the caller then shows the stages' differing middle whole).
std::vector<edit> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b, int max_d) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size()), offset = max_d + 1;
  std::vector<int> v(static_cast<std::size_t>(2 * offset + 1), 0);
  std::vector<std::vector<int>> trace;
  for (int d = 0; d <= max_d; ++d) {
    trace.push_back(v);
    for (int k = -d; k <= d; k += 2) {
      const auto at = [&](int kk) -> int& { return v[static_cast<std::size_t>(kk + offset)]; };
      int x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      int y = x - k;
      while (x < n && y < m && a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) ++x, ++y;
      at(k) = x;
      if (x >= n && y >= m) {
        std::vector<edit> script;  // backtrack
        for (int dd = d; dd > 0; --dd) {
          const std::vector<int>& pv = trace[static_cast<std::size_t>(dd)];
          const auto pat = [&](int kk) { return pv[static_cast<std::size_t>(kk + offset)]; };
          const int kk = x - y;
          const int pk = (kk == -dd || (kk != dd && pat(kk - 1) < pat(kk + 1))) ? kk + 1 : kk - 1;
          const int px = pat(pk), py = px - pk;
          while (x > px && y > py) script.push_back({' ', static_cast<std::size_t>(--x), static_cast<std::size_t>(--y)});
          if (pk == kk + 1) script.push_back({'+', static_cast<std::size_t>(x), static_cast<std::size_t>(--y)});
          else script.push_back({'-', static_cast<std::size_t>(--x), static_cast<std::size_t>(y)});
        }
        while (x > 0 && y > 0) script.push_back({' ', static_cast<std::size_t>(--x), static_cast<std::size_t>(--y)});
        std::reverse(script.begin(), script.end());
        return script;
      }
    }
  }
  return {};
}

// The first hunk of a unified diff of `la` and `lb` (3 lines of context; at most 80
// lines shown), headed by the two files.
std::string first_hunk(const std::vector<std::string>& la, const std::vector<std::string>& lb, const fs::path& fa,
                       const fs::path& fb) {
  constexpr std::size_t context = 3, shown = 80;
  std::vector<edit> script = edit_script(la, lb, 4000);
  if (script.empty()) {  // too different: the whole of both, as one change
    for (std::size_t i = 0; i < la.size(); ++i) script.push_back({'-', i, 0});
    for (std::size_t i = 0; i < lb.size(); ++i) script.push_back({'+', la.size(), i});
  }
  std::size_t first = 0;
  while (first < script.size() && script[first].mark == ' ') ++first;
  // The hunk ends where 2 * context unchanged lines follow a change.
  std::size_t end = first, kept = 0;
  for (std::size_t i = first; i < script.size(); ++i) {
    if (script[i].mark == ' ') {
      if (++kept > 2 * context) break;
    } else {
      kept = 0;
      end = i + 1;
    }
  }
  const std::size_t begin = first > context ? first - context : 0;
  const std::size_t stop = std::min(script.size(), end + context);
  std::size_t count_a = 0, count_b = 0;
  for (std::size_t i = begin; i < stop; ++i) {
    count_a += script[i].mark != '+';
    count_b += script[i].mark != '-';
  }
  const edit& head = script[begin];
  std::string out = fmt::format("--- {}\n+++ {}\n@@ -{},{} +{},{} @@\n", fa.string(), fb.string(), head.line_a + 1,
                                count_a, head.line_b + 1, count_b);
  for (std::size_t i = begin; i < stop && i < begin + shown; ++i) {
    const edit& e = script[i];
    out += e.mark;
    out += e.mark == '+' ? lb[e.line_b] : la[e.line_a];
    out += "\n";
  }
  if (stop > begin + shown) out += fmt::format("... {} more lines in this hunk\n", stop - begin - shown);
  return out;
}

}  // namespace

ir_stage_text read_ir_stage(const ir_query& q) {
  const fs::path manifest_path = q.bundle / "manifest.json";
  std::error_code ec;
  if (!fs::is_regular_file(manifest_path, ec))
    throw diagnostic_error({q.bundle}, "no manifest.json; expected a bundle that triton-aot compile wrote");
  const json manifest = json::parse(read_text(manifest_path), nullptr, false);
  if (!manifest.is_object() || manifest.value("schema", "") != "triton-bench/aot-manifest")
    throw diagnostic_error({manifest_path}, "not a triton-aot manifest (expected \"schema\": \"triton-bench/aot-manifest\")");
  const json kernel = pick(manifest.value("kernels", json::array()), q.kernel, manifest_path, "kernel",
                            fmt::format("scenario '{}'", manifest.value("scenario", "?")));
  const json variant = pick(kernel.value("variants", json::array()), q.variant, manifest_path, "variant",
                             fmt::format("kernel '{}'", q.kernel));
  const std::string vname = variant.value("name", "");
  const json spec = pick(variant.value("specializations", json::array()), q.spec, manifest_path, "specialisation",
                          fmt::format("variant '{}' of kernel '{}'", vname, q.kernel));
  const std::string sname = spec.value("name", "");
  const json archs = manifest.value("archs", json::array());
  const int arch = q.arch ? q.arch : (archs.empty() ? 0 : archs.front().get<int>());
  if (std::find(archs.begin(), archs.end(), json(arch)) == archs.end()) {
    std::string list;
    for (const json& a : archs) list += fmt::format("{}sm_{}", list.empty() ? "" : " ", a.get<int>());
    throw diagnostic_error({manifest_path}, fmt::format("the bundle has no sm_{} images (expected one of {})", arch, list));
  }
  const std::string item = fmt::format("kernel '{}' (variant '{}', {}, sm_{})", q.kernel, vname, sname, arch);
  const json ir = spec.value("ir", json::array());
  if (ir.empty())
    throw diagnostic_error({manifest_path}, fmt::format("{} has no stages: the bundle was compiled without --keep-ir "
                                                        "(expected a bundle from triton-aot compile --keep-ir)", item));
  std::string present;
  for (const json& r : ir) {
    if (r.value("arch", 0) == arch) present += fmt::format("{}{}", present.empty() ? "" : ", ", r.value("stage", ""));
    if (r.value("arch", 0) != arch || r.value("stage", "") != q.stage) continue;
    const fs::path file = q.bundle / r.value("path", "");
    std::string text = read_text(file);
    if (support::sha256::of(text) != r.value("sha256", ""))
      throw diagnostic_error({file}, fmt::format("the {} stage of {} does not match its SHA-256 in manifest.json",
                                                 q.stage, item));
    return {file, std::move(text)};
  }
  throw diagnostic_error({manifest_path}, fmt::format("{} has no {} stage (expected one of {}; a kernel compiled from "
                                                      "a .ttgir file has no ttir)",
                                                      item, q.stage, present.empty() ? "none" : present));
}

ir_side open_ir_side(const fs::path& path) {
  ir_side side{path, {}};
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "manifest.json", ec))
      throw diagnostic_error({path}, "is a whole bundle; expected one image of it (BUNDLE/images/KERNEL/VARIANT/SPEC/sm_N) "
                                     "or a folder of Triton's cache");
    // Triton's cache entry: one file per stage, all named after the kernel.
    for (std::string_view stage : ir_stages) {
      std::vector<fs::path> found;
      for (const auto& item : fs::directory_iterator(path, ec))
        if (item.path().extension() == fmt::format(".{}", stage)) found.push_back(item.path());
      if (found.empty() && stage == "ttir") {  // Triton compiled it from a .ttgir file
        side.files.emplace_back();
        continue;
      }
      if (found.size() != 1)
        throw diagnostic_error({path}, fmt::format("{} .{} file{} in this folder; expected exactly one, as in a folder of "
                                                   "Triton's cache (one kernel's NAME.ttir NAME.ttgir NAME.llir NAME.ptx)",
                                                   found.empty() ? "no" : std::to_string(found.size()), stage,
                                                   found.size() == 1 ? "" : "s"));
      side.files.push_back(found.front());
    }
    return side;
  }
  fs::path stem = path;
  const std::string ext = path.extension().string();
  if (ext == ".cubin" || ext == ".json" ||
      std::any_of(ir_stages.begin(), ir_stages.end(), [&](std::string_view s) { return ext == fmt::format(".{}", s); }))
    stem.replace_extension();
  for (std::string_view stage : ir_stages) {
    fs::path file = stem;
    file += fmt::format(".{}", stage);
    if (stage == "ttir" && !fs::is_regular_file(file, ec) && fs::is_regular_file(fs::path(stem) += ".ttgir", ec)) {
      side.files.emplace_back();  // compiled from a .ttgir file: no TTIR
      continue;
    }
    if (!fs::is_regular_file(file, ec))
      throw diagnostic_error({path}, fmt::format("no {} stage (expected {}; a bundle keeps its stages when compiled "
                                                 "with --keep-ir)", stage, file.string()));
    side.files.push_back(file);
  }
  return side;
}

bool ir_diff::differs() const {
  return std::any_of(stages.begin(), stages.end(), [](const stage_difference& s) { return !s.same; });
}

ir_diff diff_ir(const ir_side& a, const ir_side& b, bool ignore_locations) {
  ir_diff out;
  for (std::size_t i = 0; i < ir_stages.size(); ++i) {
    if (a.files[i].empty() || b.files[i].empty()) {  // a side compiled from TTGIR: nothing to compare
      out.stages.push_back({std::string(ir_stages[i]), true, 0, 0, 0, a.files[i].empty() ? 'A' : 'B'});
      if (a.files[i].empty() && b.files[i].empty()) out.stages.back().absent_in = '2';
      continue;
    }
    const std::vector<std::string> la = comparable_lines(read_text(a.files[i]), ignore_locations);
    const std::vector<std::string> lb = comparable_lines(read_text(b.files[i]), ignore_locations);
    stage_difference d{std::string(ir_stages[i]), la == lb, la.size(), lb.size(), 0};
    if (!d.same) {
      std::size_t prefix = 0;
      while (prefix < la.size() && prefix < lb.size() && la[prefix] == lb[prefix]) ++prefix;
      d.first_line = prefix + 1;
      if (out.first_hunk.empty()) out.first_hunk = first_hunk(la, lb, a.files[i], b.files[i]);
    }
    out.stages.push_back(std::move(d));
  }
  return out;
}

std::string format_ir_diff(const ir_side& a, const ir_side& b, const ir_diff& diff) {
  std::string out = fmt::format("A: {}\nB: {}\n", a.given.string(), b.given.string());
  std::string first;
  for (const auto& s : diff.stages) {
    if (s.absent_in == '2') out += fmt::format("{:<6} in neither (both compiled from TTGIR)\n", s.stage);
    else if (s.absent_in) out += fmt::format("{:<6} not compared: {} has none (compiled from TTGIR)\n", s.stage, s.absent_in);
    else if (s.same) out += fmt::format("{:<6} same ({} lines)\n", s.stage, s.lines_a);
    else
      out += fmt::format("{:<6} differs ({} and {} lines; first difference at line {})\n", s.stage, s.lines_a,
                         s.lines_b, s.first_line);
    if (!s.same && first.empty()) first = s.stage;
  }
  if (first.empty()) return out + "no stage differs\n";
  return out + fmt::format("first differing stage: {}\n", first) + diff.first_hunk;
}

}  // namespace tb::compiler
