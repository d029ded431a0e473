// The skeleton's text. Every value written uncommented is valid for the scenario
// parser (a type it knows, a constexpr TOML can hold), so an untouched skeleton
// loads and, for a simple kernel, compiles; what is a guess says so in a comment.
// The run section is commented out: lines starting "# " are TOML to uncomment,
// lines starting "## " are prose.
#include "skeleton.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

namespace tb::compiler {
namespace {

using json = nlohmann::json;

// A JSON scalar as TOML: numbers and booleans are spelled alike (a float keeps its
// '.0' or exponent); JSON's string escapes are TOML's, except that TOML also wants
// DEL escaped.
std::string toml_value(const json& value) {
  std::string text = value.dump();
  if (!value.is_string()) return text;
  std::string out;
  for (char c : text) out += c == '\x7f' ? std::string("\\u007f") : std::string(1, c);
  return out;
}

// `text` padded so that a trailing comment starts at `column`.
std::string with_comment(const std::string& text, std::size_t column, const std::string& comment) {
  if (comment.empty()) return text + "\n";
  return fmt::format("{:<{}}# {}\n", text, std::max(column, text.size() + 2), comment);
}

// Python source quoted in a comment: one line, at most `limit` bytes, cut between
// UTF-8 characters.
std::string python_text(const json& source, std::size_t limit = 60) {
  std::string text = source.get<std::string>();
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() <= limit) return text;
  std::size_t cut = limit - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

std::vector<const json*> params_where(const json& kernel, bool constexpr_) {
  std::vector<const json*> out;
  for (const auto& p : kernel["params"])
    if (p["constexpr"].get<bool>() == constexpr_) out.push_back(&p);
  return out;
}

// Constexprs every literal autotune config sets: the variants give them.
std::set<std::string> tuned_constexprs(const json& kernel) {
  std::set<std::string> out;
  const json& tune = kernel["autotune"];
  if (tune.is_null() || tune["configs"].is_null()) return out;
  for (const auto* p : params_where(kernel, true)) {
    const std::string name = (*p)["name"];
    if (std::all_of(tune["configs"].begin(), tune["configs"].end(),
                    [&](const json& c) { return c["constexprs"].contains(name); }))
      out.insert(name);
  }
  return out;
}

std::string type_comment(const json& p) {
  const std::string from = p["type_from"];
  if (from == "annotation") return fmt::format("from the annotation {}", python_text(p["annotation"]));
  if (from == "default")
    return fmt::format("TODO: check the type (guessed from the default {})", python_text(p["default_source"]));
  return "TODO: check the type (guessed from the name)";
}

std::string signature(const json& kernel) {
  std::string out =
      "# Runtime arguments in the function's order, \"name: type[:hint]\". TODO: check the types.\n"
      "# \":16\" (a pointer 16-byte aligned, an integer a multiple of 16) lets Triton vectorise.\n";
  const auto params = params_where(kernel, false);
  if (params.empty()) return out + "signature = []\n";
  std::vector<std::string> entries;
  std::size_t width = 0;
  for (const auto* p : params) {
    entries.push_back(fmt::format("  \"{}: {}\",", (*p)["name"].get<std::string>(), (*p)["type"].get<std::string>()));
    width = std::max(width, entries.back().size());
  }
  out += "signature = [\n";
  for (std::size_t i = 0; i < params.size(); ++i) out += with_comment(entries[i], width + 2, type_comment(*params[i]));
  return out + "]\n";
}

std::string constexprs(const json& kernel, const std::string& source) {
  const auto params = params_where(kernel, true);
  if (params.empty()) return "";
  const std::set<std::string> tuned = tuned_constexprs(kernel);
  std::vector<std::pair<std::string, std::string>> lines;  // (text, comment)
  for (const auto* p : params) {
    const std::string name = (*p)["name"];
    const std::string from = (*p)["value_from"];
    if (tuned.contains(name)) {
      lines.emplace_back(fmt::format("# {}: set by each variant below (@triton.autotune)", name), "");
    } else if (from == "not_toml") {
      lines.emplace_back(fmt::format("# {}: default {} in {} (not a TOML value; Triton uses it)", name,
                                     python_text((*p)["default_source"]), source), "");
    } else {
      const std::string text = fmt::format("{} = {}", name, toml_value((*p)["value"]));
      if (from == "default") lines.emplace_back(text, fmt::format("the default in {}", source));
      else if (from == "heuristics") {
        lines.emplace_back(fmt::format("# {}: @triton.heuristics computes it: {}", name,
                                       python_text((*p)["heuristic_source"])), "");
        lines.emplace_back(text, "TODO: a placeholder, give the value for your sizes");
      }
      else lines.emplace_back(text, fmt::format("TODO: no default in {}; a placeholder, set it", source));
    }
  }
  std::size_t width = std::string("[kernels.constexprs]").size();
  for (const auto& [text, comment] : lines)
    if (!comment.empty()) width = std::max(width, text.size());
  std::string out = with_comment("[kernels.constexprs]", width + 2, "the tl.constexpr parameters, for every variant");
  for (const auto& [text, comment] : lines) out += with_comment(text, width + 2, comment);
  return out;
}

std::string variant(const json& config, const json& kernel) {
  std::string out = "[[kernels.variants]]\n";
  out += fmt::format("num_warps = {}\n", config["num_warps"].is_null() ? 4 : config["num_warps"].get<int>());
  if (!config["num_stages"].is_null()) out += fmt::format("num_stages = {}\n", config["num_stages"].get<int>());
  std::vector<std::string> set, dropped;
  const auto params = params_where(kernel, true);
  for (const auto& [name, value] : config["constexprs"].items()) {
    const bool known = std::any_of(params.begin(), params.end(), [&](const json* p) { return (*p)["name"] == name; });
    (known ? set : dropped).push_back(fmt::format("{} = {}", name, toml_value(value)));
  }
  if (!set.empty()) out += fmt::format("constexprs = {{ {} }}\n", fmt::join(set, ", "));
  if (!dropped.empty())
    out += fmt::format("# left out, not tl.constexpr parameters of '{}': {}\n", kernel["name"].get<std::string>(),
                       fmt::join(dropped, ", "));
  for (const auto& ignored : config["ignored"])
    out += fmt::format("# left out, triton-aot does not set it: {}\n", python_text(ignored));
  return out;
}

// The name the scenario parser derives for a variant: w4_s3_BLOCK_SIZE1024.
std::string derived_name(const json& config) {
  std::string name = fmt::format("w{}_s{}", config["num_warps"].is_null() ? 4 : config["num_warps"].get<int>(),
                                 config["num_stages"].is_null() ? 3 : config["num_stages"].get<int>());
  for (const auto& [key, value] : config["constexprs"].items()) {
    std::string text = value.is_number_float() ? fmt::format("{}", value.get<double>()) : value.dump();
    for (char& c : text)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    name += fmt::format("_{}{}", key, text);
  }
  return name;
}

std::string variants(const json& kernel, const std::string& source) {
  const json& tune = kernel["autotune"];
  if (tune.is_null() || tune["configs"].is_null()) {
    std::string out;
    if (!tune.is_null())
      out += fmt::format("# @triton.autotune in {} tunes over configs = {}, computed in Python: add one\n"
                         "# [[kernels.variants]] per config to compile them all.\n",
                         source, python_text(tune["configs_source"]));
    return out + "[[kernels.variants]]  # one compile configuration; add more for other num_warps or constexprs\n"
                 "num_warps = 4\n";
  }
  std::string out = fmt::format(
      "# @triton.autotune in {} (key = {}) picks one of these configs at run time;\n"
      "# triton-aot compiles each, and a [[launch]] runs the first unless it names another\n"
      "# (variant = \"{}\").\n",
      source, tune["key"].is_null() ? "none" : python_text(tune["key"]), derived_name(tune["configs"].back()));
  std::set<std::string> seen;  // the parser's derived names: warps, stages, constexprs
  for (std::size_t i = 0; i < tune["configs"].size(); ++i) {
    const json& c = tune["configs"][i];
    const std::string key = fmt::format("{}/{}/{}", c["num_warps"].is_null() ? 4 : c["num_warps"].get<int>(),
                                        c["num_stages"].is_null() ? 3 : c["num_stages"].get<int>(), c["constexprs"].dump());
    if (!seen.insert(key).second) {
      out += fmt::format("# config {} is the same as an earlier one once its other settings are left out\n", i + 1);
      continue;
    }
    out += (i ? "\n" : "") + variant(c, kernel);
  }
  return out;
}

std::string kernel_block(const json& kernel, const skeleton_input& input) {
  const std::string name = kernel["name"];
  std::string out = fmt::format("# ---- {} ({}:{})\n", name, input.source, kernel["line"].get<int>());
  for (const auto& d : kernel["other_decorators"])
    out += fmt::format("# Also decorated with @{} in Python: triton-aot ignores it.\n", python_text(d));
  if (!kernel["jit_options"].is_null())
    out += fmt::format("# @{} in Python: triton-aot ignores its options (the hints in the\n"
                       "# signature say what to specialise).\n",
                       python_text(kernel["jit_options"]));
  out += fmt::format("[[kernels]]\nname = \"{}\"\nsource = {}\n", name, toml_value(input.source));
  out += signature(kernel);
  if (const std::string c = constexprs(kernel, input.source); !c.empty()) out += "\n" + c;
  return out + "\n" + variants(kernel, input.source);
}

// ---- The commented-out run section -------------------------------------------

struct buffer_example {
  std::string name, dtype;
  bool output = false;
};

std::string buffer_name(const std::string& param) {
  std::string lower = param;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string name = param;
  if (lower.ends_with("_ptr")) name.resize(name.size() - 4);
  else if (lower.ends_with("ptr")) name.resize(name.size() - 3);
  if (name.empty()) name = "buf";
  return name == "N" ? "N_buf" : name;
}

std::string argument_example(const json& p, std::vector<buffer_example>& buffers) {
  const std::string type = p["type"];
  if (type.starts_with("*")) {
    std::string name = buffer_name(p["name"]);
    const std::string dtype = type.substr(1);
    auto same = [&](const buffer_example& b) { return b.name == name; };
    if (auto it = std::find_if(buffers.begin(), buffers.end(), same); it != buffers.end() && it->dtype != dtype)
      name += "_" + dtype;
    if (std::none_of(buffers.begin(), buffers.end(), same)) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      buffers.push_back({name, dtype, lower.starts_with("out") || lower.starts_with("dst")});
    }
    return toml_value(name);
  }
  if (type.starts_with("fp") || type == "bf16") return "1.0";
  if (type == "i32" || type == "i64" || type == "u32" || type == "u64") return "\"N\"";
  return type == "i1" || type == "u1" ? "0" : "1";
}

// A grid over N elements when the kernel has a BLOCK-like constexpr the variants set.
std::string grid_example(const json& kernel) {
  const std::set<std::string> tuned = tuned_constexprs(kernel);
  for (const auto* p : params_where(kernel, true)) {
    const std::string name = (*p)["name"];
    const bool has_value = tuned.contains(name) || (*p).contains("value");
    if (has_value && name.find("BLOCK") != std::string::npos && (*p).value("value", json(1)).is_number_integer())
      return fmt::format("\"cdiv(N, {})\"", name);
  }
  return "1";
}

std::string run_section(const std::vector<const json*>& kernels) {
  std::vector<buffer_example> buffers;
  std::string launches;
  for (const json* k : kernels) {
    launches += fmt::format("#\n# [[launch]]\n# kernel = \"{}\"\n", (*k)["name"].get<std::string>());
    launches += with_comment(fmt::format("# grid = {}", grid_example(*k)), 32, "TODO: programs per axis, or [x, y, z]");
    launches += "# [launch.args]\n";
    for (const auto* p : params_where(*k, false))
      launches += fmt::format("# {} = {}\n", (*p)["name"].get<std::string>(), argument_example(*p, buffers));
  }
  std::string out =
      "# ---- Running it with triton-bench (docs/scenario-format.md, \"Running a scenario\")\n"
      "## Without [[launch]] the scenario is compile-only. To run it, uncomment the lines below\n"
      "## that start with a single \"#\" and set the sizes and values.\n#\n";
  out += "# [run]\n";
  out += with_comment(fmt::format("# target = \"{}\"", kernels.front()->at("name").get<std::string>()), 32,
                      "the kernel whose launch gaps are measured");
  out += "# iterations = 100\n#\n# [scalars]\n";
  out += with_comment("# N = 1048576", 32, "TODO: your problem size");
  out += "#\n";
  out += with_comment("# [buffers]", 32, "one device buffer per pointer argument, N elements");
  int seed = 0;
  for (const auto& b : buffers) {
    if (b.output) out += fmt::format("# {} = {{ dtype = \"{}\", size = \"N\", init = 0.0 }}\n", b.name, b.dtype);
    else
      out += fmt::format("# {} = {{ dtype = \"{}\", size = \"N\", init = \"random\", seed = {} }}\n", b.name,
                         b.dtype, ++seed);
  }
  return out + launches;
}

}  // namespace

std::string render_skeleton(const skeleton_input& input) {
  std::string out = fmt::format(
      "# scenario.toml for {0}, written by `triton-aot init` as a starting point (format:\n"
      "# docs/scenario-format.md). Check what says TODO: the argument types are guesses (a\n"
      "# name ending in \"ptr\": *fp32, others: i32, unless an annotation or a default says\n"
      "# otherwise) and constexprs without a Python default have placeholders. Then compile:\n"
      "#   triton-aot compile {1} --out {2}aot --arch sm_90\n\n"
      "[scenario]\nname = \"{3}\"\ndescription = {4}\n",
      input.source, input.folder, input.folder == "." ? "" : input.folder + "/", input.scenario,
      toml_value("the kernels of " + input.source));
  std::vector<const json*> kernels;
  for (const auto& k : input.kernels) {
    if (k["returns_value"].get<bool>()) {
      out += fmt::format("\n# ---- {} ({}:{}) returns a value: a helper for other @triton.jit functions,\n"
                         "# not a kernel to launch, so it is left out.\n",
                         k["name"].get<std::string>(), input.source, k["line"].get<int>());
      continue;
    }
    out += "\n" + kernel_block(k, input);
    kernels.push_back(&k);
  }
  return out + "\n" + run_section(kernels);
}

}  // namespace tb::compiler
