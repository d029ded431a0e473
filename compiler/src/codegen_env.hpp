// The environment variables that change what Triton 3.6.0 generates, for the compile
// cache's key (the choice of names, and why, is in codegen_env.cpp).
#pragma once

#include <string>

namespace tb::compiler {

// "NAME=value\n" for each such variable that is set, in a fixed order: equal texts
// mean Triton sees the same code-generation environment.
std::string codegen_environment();

}  // namespace tb::compiler
