include(GoogleTest)

# tb_add_gtest(NAME component.unit SOURCES ... LIBS ... [LABELS ...])
# One gtest executable per unit, registered as ctest test tb.test.<NAME>.
function(tb_add_gtest)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  string(REPLACE "." "_" exe "tb_test_${T_NAME}")
  add_executable(${exe} ${T_SOURCES})
  target_link_libraries(${exe} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  tb_target_warnings(${exe})
  add_test(NAME tb.test.${T_NAME} COMMAND ${exe})
  set_tests_properties(tb.test.${T_NAME} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
  if(T_LABELS)
    set_tests_properties(tb.test.${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# tb_tests_use_build_python(): the tools find their Python at run time
# (tb/support/python_lookup.hpp); this directory's tests use this build's, through the
# tools' own environment variables. Called at the end of each tests/<component>/.
function(tb_tests_use_build_python)
  if(NOT EXISTS "${TB_PYTHON}")
    return()
  endif()
  get_property(tests DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} PROPERTY TESTS)
  if(tests)
    set_property(TEST ${tests} APPEND PROPERTY ENVIRONMENT
                 "TRITON_AOT_PYTHON=${TB_PYTHON}" "TRITON_BENCH_PYTHON=${TB_PYTHON}")
  endif()
endfunction()
