#!/usr/bin/env bash
# Here (no GPU): stages in .device-carry/ what the GPU machine runs (64 MiB at most):
#   triton-bench/  the installed prefix (cmake --install --strip): what a user gets, and
#                  all that bench/run_gpu_checks.sh runs triton-bench from;
#   build-gpu/     the GPU tests (no LLVM, no Qt), objects and CPU tests left out, with
#                  the folders it was built in recorded so that scripts/gpu-run.sh can
#                  point its CTest files at the copy.
# Then: device run, carry [".device-carry"], command `bash scripts/gpu-run.sh`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
[ -f build/build.ninja ] || cmake --preset default >/dev/null
cmake --build build -j"$(nproc)"
[ -f build-gpu/build.ninja ] || cmake --preset gpu-machine >/dev/null
cmake --build build-gpu -j"$(nproc)"
mkdir -p build-gpu/lib
for lib in libbenchmark.so.1debian libbenchmark.so.1.7.1; do
  [ -e /usr/lib/x86_64-linux-gnu/$lib ] && cp -L /usr/lib/x86_64-linux-gnu/$lib build-gpu/lib/
done
grep -qx '/.device-carry/' .git/info/exclude 2>/dev/null || echo '/.device-carry/' >> .git/info/exclude
rm -rf .device-carry && mkdir -p .device-carry
cmake --install build --prefix .device-carry/triton-bench --strip >/dev/null
# --strip leaves static libraries alone: their debug info is of no use there.
strip --strip-debug .device-carry/triton-bench/lib/*.a
cp -a build-gpu .device-carry/
find .device-carry/build-gpu \( -name '*.o' -o -name '*.o.d' -o -name '*.a' -o -name '*_kernels.cpp' \) -delete
# Only the GPU tests and benchmarks run from build-gpu; triton-bench runs from the prefix.
find .device-carry/build-gpu/bin -name 'tb_test_*' ! -name '*gpu*' -delete
rm -rf .device-carry/build-gpu/share .device-carry/build-gpu/bench/bundles .device-carry/build-gpu/fuzz
rm -f .device-carry/build-gpu/bin/{triton-bench,tb_bench_harness_host,tb-trace-analyze}
echo "$root" > .device-carry/build-gpu/source-dir.txt
echo "$root/build-gpu" > .device-carry/build-gpu/build-dir.txt
du -sh .device-carry/triton-bench .device-carry/build-gpu; du -sh .device-carry
echo "device run: carry .device-carry, command: bash scripts/gpu-run.sh"
