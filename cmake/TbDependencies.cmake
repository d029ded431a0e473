# Third-party dependencies, all from Debian packages (scripts/bootstrap.sh installs them).
# Header-only forms are preferred where they exist so that binaries carried to the GPU
# machine need no extra shared libraries.
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)

# libcrypto for SHA-256 (tb::support), static where libssl-dev has libcrypto.a: the
# binaries carried to the GPU machine then carry their own.
set(OPENSSL_USE_STATIC_LIBS TRUE)
find_package(OpenSSL 3 QUIET COMPONENTS Crypto)
if(NOT OpenSSL_FOUND)
  unset(OPENSSL_USE_STATIC_LIBS)
  unset(OPENSSL_CRYPTO_LIBRARY CACHE)
  find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
endif()
message(STATUS "libcrypto for SHA-256: ${OPENSSL_CRYPTO_LIBRARY}")

# toml++ is used header-only (the Debian CMake target forces the shared library).
find_path(TB_TOMLPP_INCLUDE_DIR toml++/toml.h REQUIRED)
add_library(tb_tomlplusplus INTERFACE)
target_include_directories(tb_tomlplusplus SYSTEM INTERFACE ${TB_TOMLPP_INCLUDE_DIR})
target_compile_definitions(tb_tomlplusplus INTERFACE TOML_HEADER_ONLY=1 TOML_EXCEPTIONS=1)

# The CUDA toolkit's headers only (cuda.h, cupti, nvtx3); the driver itself is
# reached through dlopen at run time, and libcupti by the profiler.
find_package(CUDAToolkit REQUIRED)

if(TB_WITH_LLVM)
  find_package(LLVM 14 CONFIG REQUIRED HINTS /usr/lib/llvm-14/lib/cmake/llvm)
  find_program(TB_FILECHECK FileCheck HINTS ${LLVM_TOOLS_BINARY_DIR} REQUIRED)
endif()

if(TB_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TB_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
