#!/usr/bin/env bash
# On the GPU machine: Triton's own AOT launchers for the launch_overhead kernels, for the
# launch benchmark to race against ours (issue 18). `python -m triton.tools.compile`
# needs a driver to find its target, so this runs where the GPU is, not at build time.
#
#   scripts/triton-launcher.sh OUTDIR      -> OUTDIR/libtb_triton_launcher.so
#
# The kernels are compiled as triton-aot compiles them (scenarios/launch_overhead:
# pointers and n_elements divisible by 16, BLOCK_SIZE = 512, 4 warps, 3 stages) with a
# fixed grid of 8 programs, the grid the benchmark launches. A shim per kernel includes
# the generated C file and exports fixed names (the generated ones carry a hash), so the
# generated function is inlined into the shim, not called through it:
#   CUresult tb_triton_args4(CUstream, CUdeviceptr x, CUdeviceptr y, CUdeviceptr out, int32_t n)
#   CUresult tb_triton_args22(CUstream, CUdeviceptr out, int32_t n, float a0..a9,
#                             CUdeviceptr p0..p4, int32_t i0..i3, int64_t l0)
#   void tb_triton_load(void)   loads both modules in the current context
# (Triton's launcher takes fp32 scalars as double; the shim converts, which costs what
# Triton's own callers pay.) Needs python3 with triton, a C compiler and the CUDA headers
# and driver stub (scripts/find-cuda.sh). Exit status 1 with the reason on failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: scripts/triton-launcher.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$root/scripts/find-cuda.sh"
tb_find_cuda >/dev/null || exit 1
python=${TB_PYTHON:-python3}
kernels=$root/scenarios/launch_overhead/kernels.py
compile() {  # name signature
  "$python" -m triton.tools.compile --kernel-name "$1" -w 4 -ns 3 --grid 8,1,1 --signature "$2" \
    --out-name "tl_$1" --out-path "$out/tl_$1" "$kernels" >"$out/compile-$1.log" 2>&1 ||
    { echo "triton-launcher: triton.tools.compile failed for $1 (see $out/compile-$1.log):" >&2; tail -3 "$out/compile-$1.log" >&2; exit 1; }
  local c
  c=$(ls "$out"/tl_"$1".*.c)
  # The generated entry point: "CUresult tl_<name>_<hash>_<suffix>(CUstream stream, ...".
  func=$(sed -n 's/^CUresult \(tl_'"$1"'_[0-9a-f]*_[0-9a-z]*\)(CUstream stream.*/\1/p' "$c" | head -1)
  [ -n "$func" ] || { echo "triton-launcher: no entry point found in $c" >&2; exit 1; }
  file=$(basename "$c")
}
compile args4_kernel "*fp32:16, *fp32:16, *fp32:16, i32:16, 512"
cat > "$out/shim4.c" <<EOF
#include <stdlib.h>
#include "$file"
CUresult tb_triton_args4(CUstream s, CUdeviceptr x, CUdeviceptr y, CUdeviceptr o, int32_t n) {
  return $func(s, x, y, o, n);
}
void tb_triton_load4(void) { load_$func(); }
EOF
compile args22_kernel "*fp32:16, i32:16, fp32, fp32, fp32, fp32, fp32, fp32, fp32, fp32, fp32, fp32, *fp32:16, *fp32:16, *fp32:16, *fp32:16, *fp32:16, i32, i32, i32, i32, i64, 512"
cat > "$out/shim22.c" <<EOF
#include <stdlib.h>
#include "$file"
CUresult tb_triton_args22(CUstream s, CUdeviceptr out, int32_t n, float a0, float a1, float a2, float a3, float a4,
                          float a5, float a6, float a7, float a8, float a9, CUdeviceptr p0, CUdeviceptr p1,
                          CUdeviceptr p2, CUdeviceptr p3, CUdeviceptr p4, int32_t i0, int32_t i1, int32_t i2,
                          int32_t i3, int64_t l0) {
  return $func(s, out, n, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, p0, p1, p2, p3, p4, i0, i1, i2, i3, l0);
}
void tb_triton_load22(void) { load_$func(); }
EOF
echo 'void tb_triton_load4(void); void tb_triton_load22(void); void tb_triton_load(void) { tb_triton_load4(); tb_triton_load22(); }' > "$out/load.c"
stubs=""
for dir in "$TB_CUDA_HOME"/lib64/stubs "$TB_CUDA_HOME"/targets/*/lib/stubs; do
  [ -e "$dir/libcuda.so" ] && { stubs=$dir; break; }
done
[ -n "$stubs" ] || { echo "triton-launcher: no libcuda.so stub under $TB_CUDA_HOME" >&2; exit 1; }
cc=${CC:-cc}
(cd "$out" && "$cc" -O2 -fPIC -shared -I"$TB_CUDA_HOME/include" shim4.c shim22.c load.c -L"$stubs" -lcuda \
   -o libtb_triton_launcher.so) || { echo "triton-launcher: compiling the shims failed" >&2; exit 1; }
echo "$out/libtb_triton_launcher.so"
