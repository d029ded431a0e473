# `cmake --install build --prefix P` installs everything a user runs, laid out as
# tb/support/install_layout.hpp says, and relocatable: every tool finds its files
# relative to its own executable, so P can be moved or copied to another machine.
#   P/bin          triton-aot, triton-bench, triton-bench-gui
#   P/lib          libtb_cupti_inject.so, the CUPTI library they were linked with,
#                  libtb_runtime.a, cmake/triton-bench/ (the package)
#   P/include/tb   the runtime's headers
#   P/share/triton-bench   frontend, JIT runner, example scenarios, recorded run
# Another project then uses
#   find_package(triton-bench REQUIRED)      # with -DCMAKE_PREFIX_PATH=P
#   triton_aot_add_library(my_kernels SCENARIO path/to/scenario ARCHS sm_90)
include(CMakePackageConfigHelpers)

# Fixed relative folders (not GNUInstallDirs' lib/<multiarch>): the tools look for
# ../lib and ../share/triton-bench beside their bin/, in the build tree too.
set(TB_INSTALL_BINDIR bin)
set(TB_INSTALL_LIBDIR lib)
set(TB_INSTALL_INCLUDEDIR include)
set(TB_INSTALL_CMAKEDIR ${TB_INSTALL_LIBDIR}/cmake/triton-bench)
set(CMAKE_INSTALL_RPATH "$ORIGIN/../${TB_INSTALL_LIBDIR}")

target_include_directories(tb_runtime PUBLIC $<INSTALL_INTERFACE:${TB_INSTALL_INCLUDEDIR}>)
set_target_properties(tb_runtime PROPERTIES EXPORT_NAME runtime)
install(TARGETS tb_runtime EXPORT triton-bench-targets
        ARCHIVE DESTINATION ${TB_INSTALL_LIBDIR} LIBRARY DESTINATION ${TB_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/tb DESTINATION ${TB_INSTALL_INCLUDEDIR})
install(EXPORT triton-bench-targets NAMESPACE tb:: DESTINATION ${TB_INSTALL_CMAKEDIR})

# triton-bench-gui uses the system's Qt 6 and its plugins; none is installed here (the
# History tab loads the QSQLITE driver at run time: Debian's libqt6sql6-sqlite).
foreach(tool triton-aot triton-bench triton-bench-gui)
  if(TARGET ${tool})
    set_target_properties(${tool} PROPERTIES INSTALL_RPATH "$ORIGIN/../${TB_INSTALL_LIBDIR}")
    install(TARGETS ${tool} RUNTIME DESTINATION ${TB_INSTALL_BINDIR})
  endif()
endforeach()
if(TARGET tb_cupti_inject)
  set_target_properties(tb_cupti_inject PROPERTIES INSTALL_RPATH "$ORIGIN")
  install(TARGETS tb_cupti_inject LIBRARY DESTINATION ${TB_INSTALL_LIBDIR})
  # The CUPTI library triton-bench and the injection library were linked with, beside
  # them (found through their RUNPATH, $ORIGIN/../lib): a CUDA install folder differs
  # from machine to machine and is rarely on the loader's path. LD_LIBRARY_PATH overrides.
  get_target_property(_tb_cupti CUDA::cupti IMPORTED_LOCATION)
  if(_tb_cupti)
    file(REAL_PATH ${_tb_cupti} _tb_cupti_real)
    get_filename_component(_tb_cupti_name ${_tb_cupti} NAME)
    execute_process(COMMAND readelf -d ${_tb_cupti_real} OUTPUT_VARIABLE _tb_cupti_dyn ERROR_QUIET)
    string(REGEX MATCH "SONAME\\)[^[]*\\[([^]]+)\\]" _ "${_tb_cupti_dyn}")
    set(_tb_cupti_soname ${CMAKE_MATCH_1})
    if(NOT _tb_cupti_soname)
      set(_tb_cupti_soname ${_tb_cupti_name})
    endif()
    install(FILES ${_tb_cupti_real} DESTINATION ${TB_INSTALL_LIBDIR} RENAME ${_tb_cupti_soname})
  endif()
endif()

# share/triton-bench exactly as the build tree has it (cmake/TbShare.cmake).
install(DIRECTORY ${TB_SHARE_DIR} DESTINATION share)

install(FILES ${PROJECT_SOURCE_DIR}/cmake/TritonAot.cmake DESTINATION ${TB_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/triton-benchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/triton-benchConfig.cmake INSTALL_DESTINATION ${TB_INSTALL_CMAKEDIR}
  PATH_VARS TB_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/triton-benchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/triton-benchConfig.cmake ${PROJECT_BINARY_DIR}/triton-benchConfigVersion.cmake
        DESTINATION ${TB_INSTALL_CMAKEDIR})
