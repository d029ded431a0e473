# Third-party dependencies, all from Debian packages (scripts/bootstrap.sh installs them).
# Header-only forms are preferred where they exist so that binaries carried to the GPU
# machine need no extra shared libraries.
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
# zlib: the trace reader inflates .json.gz traces (PyTorch profiler writes them gzipped).
find_package(ZLIB REQUIRED)

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

# The results database (bench/src/history, docs/results-db.md): SQLite linked statically
# where libsqlite3-dev has libsqlite3.a (binaries carried to the GPU machine carry it);
# PostgreSQL through libpq's headers only, the library loaded at run time when a
# postgresql:// database is used, and left out with a message when libpq-dev is missing.
find_package(SQLite3 REQUIRED)
find_library(TB_SQLITE3_STATIC NAMES libsqlite3.a)
if(TB_SQLITE3_STATIC)
  set(TB_SQLITE3_LIBRARIES ${TB_SQLITE3_STATIC} Threads::Threads ${CMAKE_DL_LIBS} m)
else()
  set(TB_SQLITE3_LIBRARIES SQLite::SQLite3)
endif()
message(STATUS "SQLite for the results database: ${TB_SQLITE3_LIBRARIES}")
find_package(PostgreSQL QUIET)
if(PostgreSQL_FOUND)
  message(STATUS "PostgreSQL for the results database: libpq ${PostgreSQL_VERSION_STRING} (loaded at run time)")
else()
  message(STATUS "PostgreSQL for the results database: no libpq-dev, --db postgresql://... is not built in")
endif()

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
