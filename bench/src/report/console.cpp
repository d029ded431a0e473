#include "report/console.hpp"

#include "report/colour.hpp"

#include <iostream>

namespace tb::bench::report {

void console::note(std::string_view line) const {
  if (!quiet) err << line << "\n" << std::flush;
}

void console::error(std::string_view line) const { err << paint(line, colour::red, err_colour) << "\n" << std::flush; }

console standard_console(bool quiet) { return console{std::cout, std::cerr, use_colour_on(1), use_colour_on(2), quiet}; }

}  // namespace tb::bench::report
