#include <tb/runtime/runtime.hpp>

#include <array>
#include <utility>

namespace tb::runtime {

struct status::payload {
  std::string message;
  int driver_code = 0;
};

status status::error(std::string message) { return error(std::move(message), 0); }

[[gnu::cold, gnu::noinline]] status no_specialisation_error(const char* kernel) {
  return status::error(std::string(kernel) +
                       ": no compiled specialisation accepts these arguments (a pointer not 16-byte aligned or an "
                       "integer not divisible by 16, and no generic kernel was compiled)");
}

status status::error(std::string message, int driver_code) {
  status s;
  s.m_payload = std::make_shared<const payload>(payload{std::move(message), driver_code});
  return s;
}

const std::string& status::message() const noexcept {
  static const std::string empty;
  return m_payload != nullptr ? m_payload->message : empty;
}

int status::driver_code() const noexcept { return m_payload != nullptr ? m_payload->driver_code : 0; }

namespace {

constexpr std::array<std::pair<load_mode, std::string_view>, 5> k_mode_names{{
    {load_mode::ptx, "ptx"},
    {load_mode::cubin, "cubin"},
    {load_mode::ptx_cached, "ptx-cached"},
    {load_mode::cubin_cached, "cubin-cached"},
    {load_mode::library, "library"},
}};

}  // namespace

std::string_view to_string(load_mode mode) noexcept {
  for (const auto& [m, name] : k_mode_names) {
    if (m == mode) {
      return name;
    }
  }
  return "unknown";
}

std::optional<load_mode> parse_load_mode(std::string_view text) noexcept {
  for (const auto& [m, name] : k_mode_names) {
    if (name == text) {
      return m;
    }
  }
  return std::nullopt;
}

std::string_view to_string(image_format format) noexcept {
  return format == image_format::cubin ? "cubin" : "ptx";
}

}  // namespace tb::runtime
