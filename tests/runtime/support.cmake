# Test support shared by tests/runtime and bench/micro, defined once by whichever
# includes it first:
#   tb_runtime_fake_driver   the recording fake CUDA driver (CPU)
#   tb_runtime_test_kernels  small nvcc-built kernels wrapped as kernel_binary (only
#                            when nvcc exists; TB_HAVE_TEST_KERNELS says so)
include_guard(GLOBAL)

set(_support_dir ${CMAKE_CURRENT_LIST_DIR})

add_library(tb_runtime_fake_driver STATIC ${_support_dir}/fake_driver.cpp)
target_include_directories(tb_runtime_fake_driver PUBLIC ${_support_dir})
target_link_libraries(tb_runtime_fake_driver PUBLIC tb::runtime_internal)
tb_target_warnings(tb_runtime_fake_driver)

set(TB_NVCC "${CUDAToolkit_NVCC_EXECUTABLE}")
if(NOT TB_NVCC OR NOT EXISTS "${TB_NVCC}")
  message(STATUS "runtime: no nvcc, GPU tests and GPU benchmarks are not built")
  set(TB_HAVE_TEST_KERNELS OFF CACHE INTERNAL "")
  return()
endif()
set(TB_HAVE_TEST_KERNELS ON CACHE INTERNAL "")

set(_kernels_src ${_support_dir}/kernels/test_kernels.cu)
set(_kernels_dir ${CMAKE_CURRENT_BINARY_DIR}/test_kernels)
set(_embed ${_support_dir}/kernels/embed.cmake)
add_custom_command(
  OUTPUT ${_kernels_dir}/test_kernels.sm_90.cubin ${_kernels_dir}/test_kernels.compute_80.ptx
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_kernels_dir}
  COMMAND ${TB_NVCC} -cubin -arch=sm_90 -O3 -o ${_kernels_dir}/test_kernels.sm_90.cubin ${_kernels_src}
  COMMAND ${TB_NVCC} -ptx -arch=compute_80 -O3 -o ${_kernels_dir}/test_kernels.compute_80.ptx ${_kernels_src}
  DEPENDS ${_kernels_src}
  COMMENT "nvcc: runtime test kernels (sm_90 cubin, compute_80 PTX)")
add_custom_command(
  OUTPUT ${_kernels_dir}/test_kernels_cubin.cpp ${_kernels_dir}/test_kernels_ptx.cpp
  COMMAND ${CMAKE_COMMAND} -DINPUT=${_kernels_dir}/test_kernels.sm_90.cubin
          -DOUTPUT=${_kernels_dir}/test_kernels_cubin.cpp -DSYMBOL=tb_test_kernels_sm_90_cubin -P ${_embed}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${_kernels_dir}/test_kernels.compute_80.ptx
          -DOUTPUT=${_kernels_dir}/test_kernels_ptx.cpp -DSYMBOL=tb_test_kernels_compute_80_ptx -DTEXT=1
          -P ${_embed}
  DEPENDS ${_kernels_dir}/test_kernels.sm_90.cubin ${_kernels_dir}/test_kernels.compute_80.ptx ${_embed}
  COMMENT "embedding runtime test kernels")

add_library(tb_runtime_test_kernels STATIC
  ${_support_dir}/test_kernels.cpp ${_kernels_dir}/test_kernels_cubin.cpp ${_kernels_dir}/test_kernels_ptx.cpp)
target_include_directories(tb_runtime_test_kernels PUBLIC ${_support_dir})
target_link_libraries(tb_runtime_test_kernels PUBLIC tb::runtime_internal)
tb_target_warnings(tb_runtime_test_kernels)
