#include <tb/runtime/bundle.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

namespace tb::runtime {

struct bundle::state {
  std::filesystem::path directory;
  std::string scenario;
  std::string triton_version;
  std::vector<int> archs;
  std::vector<kernel_desc> kernels;
  std::vector<std::vector<unsigned char>> blobs;  // image bytes; PTX gets a NUL after `size`
};

namespace {

using json = nlohmann::json;

// Thrown inside the loader only; load() turns it into a status.
struct manifest_error {
  std::string item;
  std::string message;
};

[[noreturn]] void fail(const std::string& item, std::string message) {
  throw manifest_error{item, std::move(message)};
}

const json& field(const json& object, const std::string& item, const char* key) {
  if (!object.is_object()) {
    fail(item, "is not an object");
  }
  auto it = object.find(key);
  if (it == object.end()) {
    fail(item, std::string("has no \"") + key + "\"");
  }
  return *it;
}

std::string get_string(const json& object, const std::string& item, const char* key) {
  const json& v = field(object, item, key);
  if (!v.is_string()) {
    fail(item + "." + key, "is not a string");
  }
  return v.get<std::string>();
}

std::int64_t get_int(const json& object, const std::string& item, const char* key, std::int64_t low,
                     std::int64_t high) {
  const json& v = field(object, item, key);
  if (!v.is_number_integer()) {
    fail(item + "." + key, "is not an integer");
  }
  const auto value = v.get<std::int64_t>();
  if (value < low || value > high) {
    fail(item + "." + key, std::to_string(value) + " is outside " + std::to_string(low) + ".." +
                               std::to_string(high));
  }
  return value;
}

std::uint32_t get_u32(const json& object, const std::string& item, const char* key, std::uint32_t fallback,
                      bool required) {
  if (!required && (!object.is_object() || !object.contains(key))) {
    return fallback;
  }
  return static_cast<std::uint32_t>(get_int(object, item, key, 0, 0xFFFFFFFFll));
}

bool get_bool(const json& object, const std::string& item, const char* key) {
  if (!object.contains(key)) {
    return false;
  }
  const json& v = object.at(key);
  if (!v.is_boolean()) {
    fail(item + "." + key, "is not a boolean");
  }
  return v.get<bool>();
}

const json& get_array(const json& object, const std::string& item, const char* key) {
  const json& v = field(object, item, key);
  if (!v.is_array()) {
    fail(item + "." + key, "is not an array");
  }
  return v;
}

std::string line_col(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

bool read_file(const std::filesystem::path& path, std::vector<unsigned char>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

void parse_image(const std::filesystem::path& dir, const json& j, const std::string& item,
                 bundle::state& st, kernel_image& image, image_desc& info) {
  image.arch = static_cast<int>(get_int(j, item, "arch", 1, 10000));
  const std::string format = get_string(j, item, "format");
  if (format == "cubin") {
    image.format = image_format::cubin;
  } else if (format == "ptx") {
    image.format = image_format::ptx;
  } else {
    fail(item + ".format", "is \"" + format + "\", expected \"cubin\" or \"ptx\"");
  }
  info.path = get_string(j, item, "path");
  info.symbol = get_string(j, item, "symbol");
  if (info.symbol.empty()) {
    fail(item + ".symbol", "is empty");
  }
  if (j.contains("sha256") && j.at("sha256").is_string()) {
    info.sha256 = j.at("sha256").get<std::string>();
  }
  if (j.contains("triton_hash") && j.at("triton_hash").is_string()) {
    info.triton_hash = j.at("triton_hash").get<std::string>();
  }
  if (j.contains("registers")) {
    info.registers = static_cast<int>(get_int(j, item, "registers", 0, 65536));
  }
  image.num_warps = get_u32(j, item, "num_warps", 4, true);
  if (image.num_warps == 0 || image.num_warps > 32) {
    fail(item + ".num_warps", std::to_string(image.num_warps) + " is outside 1..32");
  }
  image.num_ctas = get_u32(j, item, "num_ctas", 1, false);
  if (j.contains("cluster_dims")) {
    const json& dims = get_array(j, item, "cluster_dims");
    if (dims.size() != 3) {
      fail(item + ".cluster_dims", "has " + std::to_string(dims.size()) + " entries, expected 3");
    }
    for (std::size_t i = 0; i < 3; ++i) {
      if (!dims[i].is_number_unsigned() || dims[i].get<std::uint64_t>() == 0 ||
          dims[i].get<std::uint64_t>() > 1024) {
        fail(item + ".cluster_dims[" + std::to_string(i) + "]", "is not an integer in 1..1024");
      }
      image.cluster_dims[i] = dims[i].get<std::uint32_t>();
    }
  }
  image.shared_bytes = get_u32(j, item, "shared", 0, true);
  image.global_scratch_size = get_u32(j, item, "global_scratch_size", 0, false);
  image.global_scratch_align = get_u32(j, item, "global_scratch_align", 1, false);
  image.profile_scratch_size = get_u32(j, item, "profile_scratch_size", 0, false);
  image.profile_scratch_align = get_u32(j, item, "profile_scratch_align", 1, false);
  image.launch_cooperative_grid = get_bool(j, item, "launch_cooperative_grid");
  image.launch_pdl = get_bool(j, item, "launch_pdl");

  const std::filesystem::path file = dir / info.path;
  std::vector<unsigned char> bytes;
  if (!read_file(file, bytes)) {
    fail(item + ".path", "cannot read " + file.string());
  }
  if (bytes.empty()) {
    fail(item + ".path", file.string() + " is empty");
  }
  if (j.contains("size")) {
    const auto size = static_cast<std::uint64_t>(get_int(j, item, "size", 0, std::int64_t{1} << 40));
    if (size != bytes.size()) {
      fail(item + ".size", "is " + std::to_string(size) + " but " + file.string() + " has " +
                               std::to_string(bytes.size()) + " bytes");
    }
  }
  image.size = bytes.size();
  if (image.format == image_format::ptx) {
    bytes.push_back(0);  // kernel_image: PTX is NUL-terminated, size excludes it
  }
  st.blobs.push_back(std::move(bytes));
  image.data = nullptr;  // set in finish(): blobs may still move
}

param_desc parse_param(const json& j, const std::string& item) {
  param_desc p;
  p.name = get_string(j, item, "name");
  p.type = get_string(j, item, "type");
  if (j.contains("cpp_type")) {
    p.cpp_type = get_string(j, item, "cpp_type");
  }
  p.size = static_cast<std::size_t>(get_int(j, item, "size", 1, 256));
  return p;
}

void parse(const std::filesystem::path& dir, const json& root, bundle::state& st) {
  const std::string top = "manifest";
  const std::string schema = get_string(root, top, "schema");
  if (schema != "triton-bench/aot-manifest") {
    fail("schema", "is \"" + schema + "\", expected \"triton-bench/aot-manifest\"");
  }
  const auto version = get_int(root, top, "version", 0, 1 << 20);
  if (version != 1) {
    fail("version", "is " + std::to_string(version) + "; this runtime reads version 1");
  }
  st.scenario = get_string(root, top, "scenario");
  if (root.contains("triton_version") && root.at("triton_version").is_string()) {
    st.triton_version = root.at("triton_version").get<std::string>();
  }
  if (root.contains("archs")) {
    const json& archs = get_array(root, top, "archs");
    for (std::size_t i = 0; i < archs.size(); ++i) {
      if (!archs[i].is_number_integer()) {
        fail("archs[" + std::to_string(i) + "]", "is not an integer");
      }
      st.archs.push_back(archs[i].get<int>());
    }
  }
  const json& kernels = get_array(root, top, "kernels");
  for (std::size_t k = 0; k < kernels.size(); ++k) {
    const std::string kitem = "kernels[" + std::to_string(k) + "]";
    const json& kj = kernels[k];
    kernel_desc kd;
    kd.name = get_string(kj, kitem, "name");
    if (kj.contains("source") && kj.at("source").is_string()) {
      kd.source = kj.at("source").get<std::string>();
    }
    const json& params = get_array(kj, kitem, "params");
    for (std::size_t p = 0; p < params.size(); ++p) {
      kd.params.push_back(parse_param(params[p], kitem + ".params[" + std::to_string(p) + "]"));
    }
    const json& variants = get_array(kj, kitem, "variants");
    for (std::size_t v = 0; v < variants.size(); ++v) {
      const std::string vitem = kitem + ".variants[" + std::to_string(v) + "]";
      const json& vj = variants[v];
      variant_desc vd;
      vd.name = get_string(vj, vitem, "name");
      vd.num_warps = get_u32(vj, vitem, "num_warps", 0, false);
      vd.num_stages = get_u32(vj, vitem, "num_stages", 0, false);
      if (vj.contains("constexprs")) {
        vd.constexprs_json = vj.at("constexprs").dump();
      }
      const json& specs = get_array(vj, vitem, "specializations");
      for (std::size_t s = 0; s < specs.size(); ++s) {
        const std::string sitem = vitem + ".specializations[" + std::to_string(s) + "]";
        const json& sj = specs[s];
        specialization_desc sd;
        sd.name = get_string(sj, sitem, "name");
        if (sj.contains("hints")) {
          const json& hints = field(sj, sitem, "hints");
          if (!hints.is_object()) {
            fail(sitem + ".hints", "is not an object");
          }
          for (const auto& [name, value] : hints.items()) {
            if (!value.is_number_integer() || (value.get<int>() != 1 && value.get<int>() != 16)) {
              fail(sitem + ".hints." + name, "is not 1 or 16");
            }
            sd.hints[name] = value.get<int>();
          }
        }
        const json& indices = get_array(sj, sitem, "kernel_params");
        for (std::size_t i = 0; i < indices.size(); ++i) {
          const std::string iitem = sitem + ".kernel_params[" + std::to_string(i) + "]";
          if (!indices[i].is_number_unsigned() || indices[i].get<std::uint64_t>() >= kd.params.size()) {
            fail(iitem, "is not an index into the kernel's " + std::to_string(kd.params.size()) + " params");
          }
          const auto index = indices[i].get<std::uint32_t>();
          sd.kernel_params.push_back(index);
          sd.params.push_back(kd.params[index]);
        }
        const json& images = get_array(sj, sitem, "images");
        if (images.empty()) {
          fail(sitem + ".images", "is empty");
        }
        for (std::size_t i = 0; i < images.size(); ++i) {
          kernel_image image;
          image_desc info;
          parse_image(dir, images[i], sitem + ".images[" + std::to_string(i) + "]", st, image, info);
          sd.images.push_back(image);
          sd.image_info.push_back(std::move(info));
        }
        sd.binary_name = kd.name + "[" + vd.name + "." + sd.name + "]";
        vd.specializations.push_back(std::move(sd));
      }
      kd.variants.push_back(std::move(vd));
    }
    st.kernels.push_back(std::move(kd));
  }
}

// Points every kernel_binary and kernel_image at storage that no longer moves.
void finish(bundle::state& st) {
  std::size_t blob = 0;
  for (kernel_desc& kd : st.kernels) {
    for (variant_desc& vd : kd.variants) {
      for (specialization_desc& sd : vd.specializations) {
        for (std::size_t i = 0; i < sd.images.size(); ++i) {
          sd.images[i].data = st.blobs[blob++].data();
          sd.images[i].symbol = sd.image_info[i].symbol.c_str();
        }
        sd.binary.name = sd.binary_name.c_str();
        sd.binary.num_params = static_cast<std::uint32_t>(sd.kernel_params.size());
        sd.binary.images = sd.images.data();
        sd.binary.num_images = sd.images.size();
      }
    }
  }
}

}  // namespace

bundle::bundle() : m_state(std::make_unique<state>()) {}
bundle::~bundle() = default;
bundle::bundle(bundle&&) noexcept = default;
bundle& bundle::operator=(bundle&&) noexcept = default;

status bundle::load(const std::filesystem::path& dir, bundle& out) {
  const std::filesystem::path manifest = dir / "manifest.json";
  try {
    std::ifstream in(manifest, std::ios::binary);
    if (!in) {
      return status::error(manifest.string() + ": error: cannot open the manifest");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    json root;
    try {
      root = json::parse(text);
    } catch (const json::parse_error& e) {
      return status::error(manifest.string() + ":" + line_col(text, e.byte > 0 ? e.byte - 1 : 0) +
                           ": error: invalid JSON: " + e.what());
    }
    auto st = std::make_unique<state>();
    st->directory = dir;
    parse(dir, root, *st);
    finish(*st);
    out.m_state = std::move(st);
    return {};
  } catch (const manifest_error& e) {
    return status::error(manifest.string() + ": error: " + e.item + " " + e.message);
  } catch (const std::exception& e) {
    return status::error(manifest.string() + ": error: " + e.what());
  }
}

const std::filesystem::path& bundle::directory() const noexcept { return m_state->directory; }
const std::string& bundle::scenario() const noexcept { return m_state->scenario; }
const std::string& bundle::triton_version() const noexcept { return m_state->triton_version; }
const std::vector<int>& bundle::archs() const noexcept { return m_state->archs; }
const std::vector<kernel_desc>& bundle::kernels() const noexcept { return m_state->kernels; }

const kernel_desc* bundle::find_kernel(std::string_view name) const noexcept {
  for (const kernel_desc& k : m_state->kernels) {
    if (k.name == name) {
      return &k;
    }
  }
  return nullptr;
}

const specialization_desc* bundle::find(std::string_view kernel, std::string_view variant,
                                        std::string_view specialization) const noexcept {
  const kernel_desc* k = find_kernel(kernel);
  if (k == nullptr) {
    return nullptr;
  }
  for (const variant_desc& v : k->variants) {
    if (v.name != variant) {
      continue;
    }
    for (const specialization_desc& s : v.specializations) {
      if (s.name == specialization) {
        return &s;
      }
    }
  }
  return nullptr;
}

}  // namespace tb::runtime
