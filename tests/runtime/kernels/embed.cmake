# cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=name [-DTEXT=1] -P embed.cmake
# Writes `extern const unsigned char SYMBOL[]` and `SYMBOL_size` (bytes, excluding
# the NUL that TEXT=1 appends, as kernel_image wants for PTX).
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
if(TEXT)
  string(APPEND hex "00")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){24})" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by embed.cmake; do not edit.\n"
  "#include <cstddef>\n"
  "alignas(64) extern const unsigned char ${SYMBOL}[] = {\n  ${bytes}\n};\n"
  "extern const std::size_t ${SYMBOL}_size = ${size};\n")
