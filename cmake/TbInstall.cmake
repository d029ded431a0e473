# Installs what another project needs to compile Triton kernels ahead of time and
# launch them: triton-aot and its Python frontend, the runtime library and headers,
# and a package config with triton_aot_add_library(). Used as
#   find_package(triton-bench REQUIRED)
#   triton_aot_add_library(my_kernels SCENARIO path/to/scenario ARCHS sm_90)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TB_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/triton-bench)
target_include_directories(tb_runtime PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(tb_runtime PROPERTIES EXPORT_NAME runtime)
install(TARGETS tb_runtime EXPORT triton-bench-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/tb DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT triton-bench-targets NAMESPACE tb:: DESTINATION ${TB_INSTALL_CMAKEDIR})
if(TARGET triton-aot)
  install(TARGETS triton-aot RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/compiler/python/tb_aot DESTINATION ${CMAKE_INSTALL_DATADIR}/triton-bench/python
          PATTERN __pycache__ EXCLUDE)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/cmake/TritonAot.cmake DESTINATION ${TB_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/triton-benchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/triton-benchConfig.cmake INSTALL_DESTINATION ${TB_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/triton-benchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/triton-benchConfig.cmake ${PROJECT_BINARY_DIR}/triton-benchConfigVersion.cmake
        DESTINATION ${TB_INSTALL_CMAKEDIR})
