# tb_target_warnings(target): the project's warning set, errors in CI builds.
function(tb_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers)
  if(TB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
