// ANSI colours, and when to use them: only on a terminal, never when NO_COLOR is set to a
// non-empty value (https://no-color.org).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tb::bench::report {

enum class colour : std::uint8_t { red, green, yellow };

// `text` wrapped in the colour's escape codes when `on`, else `text` itself.
std::string paint(std::string_view text, colour c, bool on);

// The rule, as a pure function: `no_color` is getenv("NO_COLOR").
bool use_colour(bool is_terminal, const char* no_color) noexcept;
// The rule for a file descriptor of this process (1: stdout, 2: stderr).
bool use_colour_on(int fd) noexcept;

}  // namespace tb::bench::report
