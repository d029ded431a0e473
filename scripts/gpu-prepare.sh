#!/usr/bin/env bash
# Here (no GPU): builds what the GPU machine runs into build-gpu/ (no LLVM, no Qt),
# with the AOT bundles compiled by this machine's triton-aot, copies the shared
# libraries it needs beside it, and stages a slim copy to carry in .device-carry/.
# scripts/gpu-run.sh runs it there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
[ -f build/build.ninja ] || cmake --preset default >/dev/null
cmake --build build -j"$(nproc)" --target triton-aot
[ -f build-gpu/build.ninja ] || cmake --preset gpu-machine >/dev/null
cmake --build build-gpu -j"$(nproc)"
# A scenario from outside scenarios/, as a user brings one (tests/bench/own_kernels):
# compiled here, since triton-aot needs LLVM, which the GPU machine lacks.
build/bin/triton-aot compile tests/bench/own_kernels --out build-gpu/bench/bundles/own_kernels \
  --arch sm_90 --arch sm_80 --quiet
mkdir -p build-gpu/lib
for lib in libbenchmark.so.1debian libbenchmark.so.1.7.1; do
  [ -e /usr/lib/x86_64-linux-gnu/$lib ] && cp -L /usr/lib/x86_64-linux-gnu/$lib build-gpu/lib/
done
# What travels (64 MiB at most): build-gpu without objects, static libraries and the
# generated launcher sources, in .device-carry/ (git-ignored through .git/info/exclude).
grep -qx '/.device-carry/' .git/info/exclude 2>/dev/null || echo '/.device-carry/' >> .git/info/exclude
rm -rf .device-carry && mkdir -p .device-carry && cp -a build-gpu .device-carry/
find .device-carry/build-gpu \( -name '*.o' -o -name '*.o.d' -o -name '*.a' -o -name '*_kernels.cpp' \) -delete
# Only the GPU tests run there (ctest -L gpu): the CPU tests' binaries stay here.
find .device-carry/build-gpu/bin -name 'tb_test_*' ! -name '*gpu*' -delete
git rev-parse HEAD > .device-carry/build-gpu/git-commit.txt  # the GPU machine gets no .git
du -sh .device-carry/build-gpu
echo "device run: carry .device-carry, command: bash scripts/gpu-run.sh"
