// What triton-bench says besides its report, and where: the report on stdout, notices
// ("no GPU on this machine", the GPU used) on stderr unless --quiet, errors on stderr
// always. Each stream is coloured by its own test (colour.hpp).
#pragma once

#include <iosfwd>
#include <string_view>

namespace tb::bench::report {

struct console {
  std::ostream& out;
  std::ostream& err;
  bool out_colour = false;
  bool err_colour = false;
  bool quiet = false;

  void note(std::string_view line) const;   // `line` and "\n" on err, unless quiet
  void error(std::string_view line) const;  // `line` and "\n" on err, red where colour is allowed
};

// std::cout and std::cerr, coloured where they are terminals and NO_COLOR is not set.
console standard_console(bool quiet);

}  // namespace tb::bench::report
