#include "host_data.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace tb::bench {

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint16_t float_to_half(float value) noexcept {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(value);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const std::uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) return static_cast<std::uint16_t>(sign | (abs > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (abs >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds to infinity
  if (abs < 0x38800000u) {                                                     // subnormal half or zero
    const float f = std::bit_cast<float>(abs);
    const float scaled = f * 16777216.0f;  // 2^24: half subnormal step is 2^-24
    return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(std::nearbyint(scaled)));
  }
  const std::uint32_t mantissa_odd = (abs >> 13) & 1u;
  const std::uint32_t rounded = abs + 0xfffu + mantissa_odd;
  return static_cast<std::uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
}

float half_to_float(std::uint16_t bits) noexcept {
  const std::uint32_t sign = (bits & 0x8000u) << 16;
  const std::uint32_t exponent = (bits >> 10) & 0x1fu;
  const std::uint32_t mantissa = bits & 0x3ffu;
  if (exponent == 0) {
    const float f = static_cast<float>(mantissa) / 16777216.0f;
    return sign ? -f : f;
  }
  if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

std::uint16_t float_to_bfloat16(float value) noexcept {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(value);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((x >> 16) | 0x40u);
  return static_cast<std::uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

float bfloat16_to_float(std::uint16_t bits) noexcept { return std::bit_cast<float>(std::uint32_t{bits} << 16); }

namespace {

template <class T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class T>
void store(unsigned char* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

}  // namespace

double host_buffer::get(std::int64_t i) const {
  const std::size_t es = tb::scenario::dtype_size(dtype);
  const unsigned char* p = bytes.data() + static_cast<std::size_t>(i) * es;
  if (dtype == "fp32") return load<float>(p);
  if (dtype == "fp64") return load<double>(p);
  if (dtype == "fp16") return half_to_float(load<std::uint16_t>(p));
  if (dtype == "bf16") return bfloat16_to_float(load<std::uint16_t>(p));
  if (dtype == "i8") return load<std::int8_t>(p);
  if (dtype == "i16") return load<std::int16_t>(p);
  if (dtype == "i32") return load<std::int32_t>(p);
  if (dtype == "i64") return static_cast<double>(load<std::int64_t>(p));
  if (dtype == "u8" || dtype == "i1" || dtype == "u1") return load<std::uint8_t>(p);
  if (dtype == "u16") return load<std::uint16_t>(p);
  if (dtype == "u32") return load<std::uint32_t>(p);
  if (dtype == "u64") return static_cast<double>(load<std::uint64_t>(p));
  throw std::invalid_argument(fmt::format("buffer '{}': unsupported dtype {}", name, dtype));
}

void host_buffer::set(std::int64_t i, double value) {
  const std::size_t es = tb::scenario::dtype_size(dtype);
  unsigned char* p = bytes.data() + static_cast<std::size_t>(i) * es;
  if (dtype == "fp32") return store<float>(p, static_cast<float>(value));
  if (dtype == "fp64") return store<double>(p, value);
  if (dtype == "fp16") return store<std::uint16_t>(p, float_to_half(static_cast<float>(value)));
  if (dtype == "bf16") return store<std::uint16_t>(p, float_to_bfloat16(static_cast<float>(value)));
  if (dtype == "i8") return store<std::int8_t>(p, static_cast<std::int8_t>(value));
  if (dtype == "i16") return store<std::int16_t>(p, static_cast<std::int16_t>(value));
  if (dtype == "i32") return store<std::int32_t>(p, static_cast<std::int32_t>(value));
  if (dtype == "i64") return store<std::int64_t>(p, static_cast<std::int64_t>(value));
  if (dtype == "u8" || dtype == "i1" || dtype == "u1") return store<std::uint8_t>(p, static_cast<std::uint8_t>(value));
  if (dtype == "u16") return store<std::uint16_t>(p, static_cast<std::uint16_t>(value));
  if (dtype == "u32") return store<std::uint32_t>(p, static_cast<std::uint32_t>(value));
  if (dtype == "u64") return store<std::uint64_t>(p, static_cast<std::uint64_t>(value));
  throw std::invalid_argument(fmt::format("buffer '{}': unsupported dtype {}", name, dtype));
}

std::vector<host_buffer> initial_buffers(const tb::scenario::scenario& s) {
  std::vector<host_buffer> out;
  out.reserve(s.buffers.size());
  for (const auto& def : s.buffers) {
    host_buffer b{def.name, def.dtype, def.size, {}};
    b.bytes.assign(static_cast<std::size_t>(def.size) * tb::scenario::dtype_size(def.dtype), 0);
    if (def.init == tb::scenario::buffer_init::constant) {
      if (def.value != 0)
        for (std::int64_t i = 0; i < def.size; ++i) b.set(i, def.value);
    } else {
      // uniform in [low, high): 53 random bits scaled, integers floored
      std::uint64_t state = def.seed;
      const bool integer = def.dtype[0] == 'i' || def.dtype[0] == 'u';
      for (std::int64_t i = 0; i < def.size; ++i) {
        const double u = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
        const double v = def.low + (def.high - def.low) * u;
        b.set(i, integer ? std::floor(v) : v);
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

void write_buffer_files(const std::vector<host_buffer>& buffers, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& b : buffers)
    std::ofstream(dir / (b.name + ".bin"), std::ios::binary)
        .write(reinterpret_cast<const char*>(b.bytes.data()), static_cast<std::streamsize>(b.bytes.size()));
}

std::vector<host_buffer> read_buffer_files(const std::vector<host_buffer>& like, const std::filesystem::path& dir) {
  std::vector<host_buffer> out = like;
  for (auto& b : out) {
    const auto file = dir / (b.name + ".bin");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("{}: missing (buffer '{}')", file.string(), b.name));
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (bytes.size() != b.bytes.size())
      throw std::runtime_error(fmt::format("{}: {} bytes, {} expected for buffer '{}' ({} x {})", file.string(),
                                           bytes.size(), b.bytes.size(), b.name, b.size, b.dtype));
    std::copy(bytes.begin(), bytes.end(), b.bytes.begin());
  }
  return out;
}

}  // namespace tb::bench
