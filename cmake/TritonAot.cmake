# triton_aot_add_library(<target> SCENARIO <dir-or-toml> [ARCHS sm_90 sm_80 ...]
#                        [OUTPUT_DIR <dir>] [JOBS <n>])
#
# Compiles a scenario's Triton kernels at build time with triton-aot and makes
# <target>, a static library of the generated launchers (images embedded), linked
# to the triton-bench runtime. Include "<scenario>_kernels.hpp". The compile reruns
# when scenario.toml or any Python file beside it changes; triton-aot's own cache
# makes unchanged kernels free.
#
# Needs TRITON_AOT_EXECUTABLE (set by the triton-bench project or its package
# config) and a runtime target tb::runtime. triton-aot finds its Python itself
# ($TRITON_AOT_PYTHON, else python3 on PATH with the pinned Triton); set the CMake
# variable TRITON_AOT_PYTHON to fix the one the build uses.
include_guard(GLOBAL)

# The triton-aot to run in custom commands: the one this project builds, else
# TRITON_AOT_EXECUTABLE where it exists, else "" (nothing can be compiled); run with
# TRITON_AOT_PYTHON in its environment when that CMake variable is set.
function(tb_triton_aot_command out_var)
  set(cmd "")
  if(TARGET triton-aot OR TRITON_AOT_TARGET)  # built here (perhaps defined later): a generator expression
    set(cmd $<TARGET_FILE:triton-aot>)
  elseif(TRITON_AOT_EXECUTABLE AND EXISTS "${TRITON_AOT_EXECUTABLE}")
    set(cmd "${TRITON_AOT_EXECUTABLE}")
  endif()
  if(cmd AND TRITON_AOT_PYTHON)
    set(cmd ${CMAKE_COMMAND} -E env "TRITON_AOT_PYTHON=${TRITON_AOT_PYTHON}" ${cmd})
  endif()
  set(${out_var} "${cmd}" PARENT_SCOPE)
endfunction()

function(triton_aot_add_library target)
  cmake_parse_arguments(AOT "" "SCENARIO;OUTPUT_DIR;JOBS" "ARCHS" ${ARGN})
  if(NOT AOT_SCENARIO)
    message(FATAL_ERROR "triton_aot_add_library(${target}): SCENARIO <folder or scenario.toml> is required")
  endif()
  get_filename_component(scenario_path "${AOT_SCENARIO}" ABSOLUTE)
  if(IS_DIRECTORY "${scenario_path}")
    set(scenario_dir "${scenario_path}")
    set(scenario_toml "${scenario_path}/scenario.toml")
  else()
    get_filename_component(scenario_dir "${scenario_path}" DIRECTORY)
    set(scenario_toml "${scenario_path}")
  endif()
  if(NOT EXISTS "${scenario_toml}")
    message(FATAL_ERROR "triton_aot_add_library(${target}): ${scenario_toml} does not exist")
  endif()
  # The scenario's name decides the generated files' names: read it from the TOML.
  file(STRINGS "${scenario_toml}" name_line REGEX "^name[ \t]*=[ \t]*\"[A-Za-z0-9_]+\"" LIMIT_COUNT 1)
  string(REGEX REPLACE "^name[ \t]*=[ \t]*\"([A-Za-z0-9_]+)\".*" "\\1" scenario_name "${name_line}")
  if(NOT scenario_name)
    message(FATAL_ERROR "triton_aot_add_library(${target}): no name = \"...\" in ${scenario_toml}")
  endif()
  if(NOT AOT_ARCHS)
    set(AOT_ARCHS sm_90)
  endif()
  if(NOT AOT_OUTPUT_DIR)
    set(AOT_OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/triton_aot/${scenario_name}")
  endif()
  tb_triton_aot_command(aot_command)
  if(NOT aot_command)
    message(FATAL_ERROR "triton_aot_add_library(${target}): no triton-aot (TRITON_AOT_EXECUTABLE is not set or "
                        "does not exist: '${TRITON_AOT_EXECUTABLE}')")
  endif()
  set(arch_args)
  foreach(arch IN LISTS AOT_ARCHS)
    list(APPEND arch_args --arch ${arch})
  endforeach()
  set(job_args)
  if(AOT_JOBS)
    set(job_args --jobs ${AOT_JOBS})
  endif()
  # Python kernel files, and Triton IR files for kernels compiled from IR
  file(GLOB kernel_sources CONFIGURE_DEPENDS "${scenario_dir}/*.py" "${scenario_dir}/*.ttir" "${scenario_dir}/*.ttgir")
  set(header "${AOT_OUTPUT_DIR}/${scenario_name}_kernels.hpp")
  set(source "${AOT_OUTPUT_DIR}/${scenario_name}_kernels.cpp")
  set(manifest "${AOT_OUTPUT_DIR}/manifest.json")
  set(aot_depends "${scenario_toml}" ${kernel_sources})
  if(TRITON_AOT_TARGET)  # built in the same project: build it (and mind its frontend) first
    list(APPEND aot_depends ${TRITON_AOT_TARGET} ${TRITON_AOT_FRONTEND_FILES})
  endif()
  add_custom_command(
    OUTPUT "${header}" "${source}" "${manifest}"
    COMMAND ${aot_command} compile "${scenario_toml}" --out "${AOT_OUTPUT_DIR}" ${arch_args} ${job_args} --quiet
    DEPENDS ${aot_depends}
    COMMENT "triton-aot: compiling scenario ${scenario_name} for ${AOT_ARCHS}"
    VERBATIM)
  add_library(${target} STATIC "${source}" "${header}")
  target_include_directories(${target} PUBLIC "${AOT_OUTPUT_DIR}")
  target_link_libraries(${target} PUBLIC tb::runtime)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES
    TRITON_AOT_BUNDLE_DIR "${AOT_OUTPUT_DIR}"
    TRITON_AOT_MANIFEST "${manifest}")
endfunction()
