# tb_build_info: what `--version` prints, for every tool: the project's version, the
# commit it was built from (asked at build time, so it follows new commits without a
# re-configure), the CUDA toolkit it was built with and the Triton version it is pinned to.
include_guard(GLOBAL)

file(STRINGS ${PROJECT_SOURCE_DIR}/scripts/requirements.txt _tb_triton_pin REGEX "^triton==")
string(REPLACE "triton==" "" TB_TRITON_VERSION "${_tb_triton_pin}")
if(NOT TB_TRITON_VERSION)
  message(FATAL_ERROR "scripts/requirements.txt: no 'triton==VERSION' line (the Triton version triton-bench is pinned to)")
endif()

set(_tb_info_dir ${PROJECT_BINARY_DIR}/generated)
set(_tb_info_cpp ${_tb_info_dir}/build_info.cpp)
# Runs at every build; the file changes (and recompiles) only when the commit does.
add_custom_target(tb_build_info_generate
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${_tb_info_cpp}
          -DPROJECT_VERSION=${PROJECT_VERSION} -DCUDA_VERSION=${CUDAToolkit_VERSION}
          -DTRITON_VERSION=${TB_TRITON_VERSION} -P ${PROJECT_SOURCE_DIR}/cmake/TbBuildInfoGenerate.cmake
  BYPRODUCTS ${_tb_info_cpp}
  COMMENT "build info (version, commit)" VERBATIM)
if(NOT EXISTS ${_tb_info_cpp})  # so that configure-time tools (IDEs) see a file
  execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${_tb_info_cpp}
          -DPROJECT_VERSION=${PROJECT_VERSION} -DCUDA_VERSION=${CUDAToolkit_VERSION}
          -DTRITON_VERSION=${TB_TRITON_VERSION} -P ${PROJECT_SOURCE_DIR}/cmake/TbBuildInfoGenerate.cmake)
endif()
