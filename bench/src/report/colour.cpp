#include "report/colour.hpp"

#include <cstdlib>
#include <unistd.h>

namespace tb::bench::report {

std::string paint(std::string_view text, colour c, bool on) {
  if (!on) return std::string(text);
  const char* code = c == colour::red ? "\x1b[31m" : c == colour::green ? "\x1b[32m" : "\x1b[33m";
  return std::string(code) + std::string(text) + "\x1b[0m";
}

bool use_colour(bool is_terminal, const char* no_color) noexcept {
  return is_terminal && (no_color == nullptr || *no_color == '\0');
}

bool use_colour_on(int fd) noexcept { return use_colour(::isatty(fd) != 0, std::getenv("NO_COLOR")); }

}  // namespace tb::bench::report
