# libFuzzer targets. The main (GCC) build cannot provide -fsanitize=fuzzer, so each target
# is compiled from its sources by a custom command when a clang that links a trivial
# fuzzer is found (TB_FUZZ_OK). docs/fuzzing.md: what each target checks, how to run it longer.
#
#   tb_add_fuzzer(NAME trace_reader SOURCES a.cpp b.cpp INCLUDES dir... CORPUS dir [SECONDS 3] [LIBS -lz])
#
# builds tb_fuzz_<NAME> and adds the ctest tb.test.fuzz.<NAME>, label `fuzz`: SECONDS of
# fuzzing (default 3) from the committed seed CORPUS, new inputs kept in the build folder.
include_guard(GLOBAL)

find_program(TB_CLANGXX_FUZZ NAMES clang++-14 clang++)
set(TB_FUZZ_OK FALSE)
if(TB_CLANGXX_FUZZ)
  set(_tb_fuzz_probe ${CMAKE_BINARY_DIR}/fuzz_probe)
  file(MAKE_DIRECTORY ${_tb_fuzz_probe})
  file(WRITE ${_tb_fuzz_probe}/probe.cpp
    "#include <cstdint>\n#include <cstddef>\nextern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n")
  execute_process(COMMAND ${TB_CLANGXX_FUZZ} -fsanitize=fuzzer probe.cpp -o probe
                  WORKING_DIRECTORY ${_tb_fuzz_probe} RESULT_VARIABLE _tb_fuzz_rc OUTPUT_QUIET ERROR_QUIET)
  if(_tb_fuzz_rc EQUAL 0)
    set(TB_FUZZ_OK TRUE)
  endif()
endif()
if(NOT TB_FUZZ_OK)
  message(STATUS "fuzzing: no clang with -fsanitize=fuzzer; the fuzz targets are not built")
endif()

function(tb_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS;SECONDS;MAX_LEN" "SOURCES;INCLUDES;DEFINES;LIBS" ${ARGN})
  if(NOT TB_FUZZ_OK)
    return()
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 3)
  endif()
  if(NOT F_MAX_LEN)
    set(F_MAX_LEN 65536)
  endif()
  set(_exe ${CMAKE_BINARY_DIR}/fuzz/tb_fuzz_${F_NAME})
  set(_flags)
  foreach(dir ${F_INCLUDES})
    list(APPEND _flags -I${dir})
  endforeach()
  foreach(def ${F_DEFINES})
    list(APPEND _flags -D${def})
  endforeach()
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  add_custom_command(OUTPUT ${_exe}
    COMMAND ${TB_CLANGXX_FUZZ} -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
            -DFMT_HEADER_ONLY ${_flags} ${F_SOURCES} ${F_LIBS} -o ${_exe}
    DEPENDS ${F_SOURCES}
    COMMENT "clang++ -fsanitize=fuzzer tb_fuzz_${F_NAME}"
    VERBATIM)
  add_custom_target(tb_fuzz_${F_NAME} ALL DEPENDS ${_exe})
  set(_work ${CMAKE_BINARY_DIR}/fuzz/corpus_${F_NAME})
  file(MAKE_DIRECTORY ${_work})
  # A fixed seed in ctest, so that CI repeats itself; the longer runs of docs/fuzzing.md use random ones.
  add_test(NAME tb.test.fuzz.${F_NAME}
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
            ${_exe} -seed=1 -max_total_time=${F_SECONDS} -max_len=${F_MAX_LEN} -timeout=10 -rss_limit_mb=2048
            ${_work} ${F_CORPUS})
  set_tests_properties(tb.test.fuzz.${F_NAME} PROPERTIES TIMEOUT 120 LABELS fuzz)
endfunction()
