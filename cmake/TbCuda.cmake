# tb_add_cubin(<target> SOURCE <file.cu> [ARCH sm_90] OUTPUT_VARIABLE <var>)
# Compiles a CUDA file to a cubin at build time (nvcc only: nothing here runs it) as the
# custom target <target>; <var> receives the cubin's path for the code that loads it.
include_guard(GLOBAL)

function(tb_add_cubin target)
  cmake_parse_arguments(CU "" "SOURCE;ARCH;OUTPUT_VARIABLE" "" ${ARGN})
  if(NOT CU_ARCH)
    set(CU_ARCH sm_90)
  endif()
  if(CUDAToolkit_NVCC_EXECUTABLE)
    set(nvcc ${CUDAToolkit_NVCC_EXECUTABLE})
  else()
    find_program(TB_NVCC nvcc HINTS ${CUDAToolkit_BIN_DIR} REQUIRED)
    set(nvcc ${TB_NVCC})
  endif()
  get_filename_component(source "${CU_SOURCE}" ABSOLUTE)
  get_filename_component(stem "${CU_SOURCE}" NAME_WE)
  set(cubin ${CMAKE_CURRENT_BINARY_DIR}/${target}.${CU_ARCH}.cubin)
  add_custom_command(OUTPUT ${cubin}
    COMMAND ${nvcc} -cubin -arch=${CU_ARCH} -o ${cubin} ${source}
    DEPENDS ${source}
    COMMENT "nvcc -cubin -arch=${CU_ARCH} ${stem}.cu")
  add_custom_target(${target} DEPENDS ${cubin})
  set(${CU_OUTPUT_VARIABLE} ${cubin} PARENT_SCOPE)
endfunction()
