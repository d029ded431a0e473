#!/usr/bin/env bash
# The install is relocatable and tied to nothing of the checkout or the build folder:
# installs this build into a temporary prefix, MOVES the prefix, and from there, with
# a clean environment (the Python found on PATH, a fresh HOME and cache, the current
# folder elsewhere) runs triton-aot compile and triton-bench --no-gpu on a scenario
# outside the repository, and builds a separate project with find_package against it.
#   moved_prefix_test.sh BUILD_DIR SOURCE_DIR PYTHON
set -euo pipefail
build=$(cd "$1" && pwd) source=$(cd "$2" && pwd) python=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
work=$(mktemp -d /tmp/tb-moved-prefix-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "install into $work/first, move to $work/moved"
cmake --install "$build" --prefix "$work/first" --strip >/dev/null
mv "$work/first" "$work/moved"
p=$work/moved
for f in bin/triton-aot bin/triton-bench lib/libtb_cupti_inject.so share/triton-bench/jit_runner.py \
         share/triton-bench/python/tb_aot/frontend.py share/triton-bench/scenarios/vector_add/scenario.toml \
         share/triton-bench/recorded/results.json lib/cmake/triton-bench/triton-benchConfig.cmake \
         include/tb/runtime/runtime.hpp; do
  [ -e "$p/$f" ] || fail "$f is not installed"
done
[ -e "$p/bin/triton-bench-gui" ] || [ ! -e "$build/bin/triton-bench-gui" ] || fail "triton-bench-gui is not installed"

step "no path of the checkout or the build folder in the installed files"
if hits=$(grep -rlF -e "$source" -e "$build" "$p" 2>/dev/null); then
  # Static libraries keep their objects' debug info (file names), which nothing reads at run time.
  hits=$(grep -v '\.a$' <<<"$hits" || true)
  [ -z "$hits" ] || fail "the install names the build machine's folders: $hits"
fi
step "no CUDA install folder in the installed files (the driver is found by dlopen, CUPTI beside it)"
cuda_dirs=(-e /usr/local/cuda)
[ -n "${CUDA_HOME:-}" ] && cuda_dirs+=(-e "$CUDA_HOME")
if hits=$(grep -rlF "${cuda_dirs[@]}" "$p" 2>/dev/null); then
  hits=$(grep -v '\.a$' <<<"$hits" || true)
  [ -z "$hits" ] || fail "the install names a CUDA folder of the build machine: $hits"
fi

# A user's machine: the Python with Triton on PATH, nothing else of this build.
unset TRITON_AOT_PYTHON TRITON_BENCH_PYTHON TRITON_AOT_FRONTEND_DIR TRITON_BENCH_SCENARIOS TB_PYTHON \
      TRITON_AOT_CACHE_DIR XDG_CACHE_HOME CUDA_INJECTION64_PATH
export HOME=$work/home PATH=$(dirname "$python"):/usr/bin:/bin
mkdir -p "$HOME" "$work/cwd" "$work/user"
cd "$work/cwd"
cp -r "$source/scenarios/vector_add" "$work/user/my_kernels"
cp -r "$source/scenarios/vector_add" "$work/user/vector_add"  # for the consumer, which includes vector_add_kernels.hpp
sed -i 's/^name = "vector_add"/name = "my_kernels"/' "$work/user/my_kernels/scenario.toml"

step "--version"
"$p/bin/triton-aot" --version | tee "$work/aot-version.txt"
grep -q "^triton-aot [0-9.]* (commit .*CUDA toolkit .*Triton 3.6.0 pinned)" "$work/aot-version.txt" || fail "triton-aot --version"
grep -qF "Python: $(dirname "$python")/python3 (Triton 3.6.0, from PATH)" "$work/aot-version.txt" || fail "triton-aot found no Python on PATH"
"$p/bin/triton-bench" --version | grep -q "^triton-bench [0-9.]* (commit" || fail "triton-bench --version"

step "triton-aot compile, a scenario outside the repository"
"$p/bin/triton-aot" compile "$work/user/my_kernels" --out "$work/out" --arch sm_90 --quiet
[ -f "$work/out/manifest.json" ] && [ -f "$work/out/my_kernels_kernels.hpp" ] || fail "no bundle from the moved triton-aot"

step "triton-bench --no-gpu: the recording of the installed examples"
"$p/bin/triton-bench" --no-gpu > "$work/recorded.txt"
grep -q "RECORDED RUN" "$work/recorded.txt" || fail "no recording shown: $(head -3 "$work/recorded.txt")"
grep -qF "$p/share/triton-bench/recorded" "$work/recorded.txt" || fail "the recording is not the moved prefix's"

step "triton-bench --no-gpu on the user's scenario, by name through TRITON_BENCH_SCENARIOS"
TRITON_BENCH_SCENARIOS=$work/user "$p/bin/triton-bench" --no-gpu --scenario my_kernels > "$work/user.txt"
grep -q "^add_kernel .* sm_90" "$work/user.txt" || fail "the user's kernels are not shown: $(cat "$work/user.txt")"
ls -d "$HOME"/.cache/triton-bench/bundles/my_kernels-*/manifest.json >/dev/null || fail "the bundle is not in the user's cache"
[ -z "$(ls -A "$work/cwd")" ] || fail "triton-bench wrote into the current folder: $(ls -A "$work/cwd")"

step "--list: the moved prefix's examples and the search path"
TRITON_BENCH_SCENARIOS=$work/user "$p/bin/triton-bench" --list > "$work/list.txt"
grep -qF "$p/share/triton-bench/scenarios" "$work/list.txt" || fail "--list does not search the moved prefix"
grep -q "^  my_kernels" "$work/list.txt" && grep -q "^  vector_add" "$work/list.txt" || fail "--list: $(cat "$work/list.txt")"

step "a separate project: find_package(triton-bench) from the moved prefix"
cmake -S "$source/tests/compiler/consumer" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$p" \
      -DSCENARIO_DIR="$work/user/vector_add" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer" | tee "$work/consumer.txt"
grep -q 'add_kernel\[b1024\.generic\]' "$work/consumer.txt" || fail "the consumer did not dispatch"
echo "moved prefix: everything ran from $p"
