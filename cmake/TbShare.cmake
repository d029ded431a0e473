# <build>/share/triton-bench: the files the tools read at run time, laid out as in an
# install prefix (tb/support/install_layout.hpp), so that a tool finds them relative
# to its executable in the build tree and in an install alike, and nothing of this
# checkout's path is compiled into a binary. Copied at build time when a source changes;
# `cmake --install` installs this folder as it is.
include_guard(GLOBAL)

set(TB_SHARE_DIR ${PROJECT_BINARY_DIR}/share/triton-bench)

# tb_share_folder(<name> <source folder> <destination under share/triton-bench> [GLOBS ...])
function(tb_share_folder name source destination)
  cmake_parse_arguments(S "" "" "GLOBS" ${ARGN})
  if(NOT S_GLOBS)
    set(S_GLOBS "*")
  endif()
  set(patterns)
  foreach(g IN LISTS S_GLOBS)
    list(APPEND patterns "${source}/${g}")
  endforeach()
  file(GLOB_RECURSE files CONFIGURE_DEPENDS RELATIVE ${source} ${patterns})
  list(FILTER files EXCLUDE REGEX "(^|/)__pycache__/")
  set(outputs)
  foreach(f IN LISTS files)
    set(out ${TB_SHARE_DIR}/${destination}/${f})
    add_custom_command(OUTPUT ${out} COMMAND ${CMAKE_COMMAND} -E copy ${source}/${f} ${out}
                       DEPENDS ${source}/${f} VERBATIM)
    list(APPEND outputs ${out})
  endforeach()
  add_custom_target(tb_share_${name} ALL DEPENDS ${outputs})
  set_property(GLOBAL APPEND PROPERTY TB_SHARE_TARGETS tb_share_${name})
endfunction()

function(tb_share_file source destination)
  get_filename_component(stem ${destination} NAME_WE)
  set(out ${TB_SHARE_DIR}/${destination})
  add_custom_command(OUTPUT ${out} COMMAND ${CMAKE_COMMAND} -E copy ${source} ${out} DEPENDS ${source} VERBATIM)
  add_custom_target(tb_share_${stem} ALL DEPENDS ${out})
  set_property(GLOBAL APPEND PROPERTY TB_SHARE_TARGETS tb_share_${stem})
endfunction()

# The compiler's Python frontend, the JIT runner, the example scenarios, the recording,
# the example gate file (docs/compare.md).
tb_share_folder(frontend ${PROJECT_SOURCE_DIR}/compiler/python python GLOBS "tb_aot/*.py")
tb_share_file(${PROJECT_SOURCE_DIR}/bench/jit_runner.py jit_runner.py)
tb_share_folder(scenarios ${PROJECT_SOURCE_DIR}/scenarios scenarios GLOBS "*.toml" "*.py" "*.md")
tb_share_folder(recorded ${PROJECT_SOURCE_DIR}/bench/recorded recorded GLOBS "*.json" "*.md")
tb_share_file(${PROJECT_SOURCE_DIR}/bench/triton-bench-gate.toml triton-bench-gate.toml)
add_custom_target(tb_share ALL)
get_property(_tb_share_targets GLOBAL PROPERTY TB_SHARE_TARGETS)
add_dependencies(tb_share ${_tb_share_targets})
