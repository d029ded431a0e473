#!/usr/bin/env bash
# On a machine with a GPU: compare, gate and history as CI would use them (docs/ci.md),
# with triton-bench from an installed prefix ONLY (TB_PREFIX, default
# .device-carry/triton-bench from scripts/gpu-prepare.sh, copied away from this checkout).
#   1. A/A: two runs of the same build on sandwich and on vector_add, recorded as branch
#      main; `compare` of each pair (no slower or faster expected) and `gate` of the second
#      against the first;
#   2. a known regression: vector_add with --test-launch-delay (every launch through the
#      launcher, not driver's, waits TB_DELAY_NS first, default 1000 ns), recorded as branch feature, gated against
#      db:branch=main: `slower` on host time, exit 6 expected;
#   3. history: two more delayed runs recorded on main; `triton-bench history` over the
#      five vector_add runs should mark the step at the first delayed run (raw, and
#      --relative-to driver, where the machine's drift between runs cancels).
# Reports (markdown, JUnit, the database) go to $OUT. TB_TIME_LIMIT=S per run (default 6).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$root/gpu-out}
mkdir -p "$out"
src_prefix=${TB_PREFIX:-$root/.device-carry/triton-bench}
[ -x "$src_prefix/bin/triton-bench" ] || { echo "no $src_prefix/bin/triton-bench: run scripts/gpu-prepare.sh and carry .device-carry"; exit 1; }
prefix=$(mktemp -d /tmp/tb-install-XXXX)/triton-bench
cp -a "$src_prefix" "$prefix"
cd "$(mktemp -d /tmp/tb-cwd-XXXX)"  # nothing may land in the current folder
unset LD_LIBRARY_PATH TRITON_AOT_PYTHON TRITON_BENCH_PYTHON TRITON_BENCH_SCENARIOS CUDA_INJECTION64_PATH TRITON_BENCH_DB
export XDG_CACHE_HOME=$out/cache XDG_DATA_HOME=$out/data
bench=$prefix/bin/triton-bench
gate=$prefix/share/triton-bench/triton-bench-gate.toml
db=$out/results.db
delay=${TB_DELAY_NS:-1000}
modes=(--mode jit --mode cubin-cached --mode driver --time-limit "${TB_TIME_LIMIT:-6}" --quiet)
status=0

run() {  # name, then triton-bench arguments; the run's report in $out/NAME.log
  local name=$1; shift
  echo "== $name: triton-bench $*"
  "$bench" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  grep -E "^(mode|jit|cubin-cached|driver) " "$out/$name.log" | head -8
  [ "$rc" -eq 0 ] || { echo "!! $name exited with $rc"; tail -5 "$out/$name.log"; status=1; }
}

tool() {  # name, expected exit status, then triton-bench arguments; stdout in $out/NAME.md
  local name=$1 expected=$2; shift 2
  echo "== $name: triton-bench $* (exit $expected expected)"
  "$bench" "$@" > "$out/$name.md" 2> "$out/$name.err"
  local rc=$?
  cat "$out/$name.md"; cat "$out/$name.err"
  echo "-- $name exit $rc"
  [ "$rc" -eq "$expected" ] || { echo "!! $name: exit $rc, expected $expected"; status=1; }
}

for s in sandwich vector_add; do
  for ab in a b; do
    run "$s.$ab" --scenario "$s" "${modes[@]}" --json "$out/$s.$ab.json" --record --db "$db" --branch main
  done
  tool "$s.compare-aa" 0 compare "$out/$s.a.json" "$out/$s.b.json" --format markdown
  grep -cE "\*\*(slower|faster)\*\*" "$out/$s.compare-aa.md" | sed "s/^/$s A\/A rows slower or faster: /"
  tool "$s.gate-aa" "${TB_AA_GATE_EXIT:-0}" gate --gate "$gate" "$out/$s.b.json" --base "$out/$s.a.json" --format markdown
done

run vector_add.slow --scenario vector_add "${modes[@]}" --test-launch-delay "$delay" --json "$out/vector_add.slow.json" \
  --record --db "$db" --branch feature
tool vector_add.gate-regression 6 gate --gate "$gate" "$out/vector_add.slow.json" --base db:branch=main,scenario=vector_add \
  --db "$db" --format markdown --junit "$out/vector_add.gate-regression.xml"

for n in 2 3; do
  run "vector_add.slow$n" --scenario vector_add "${modes[@]}" --test-launch-delay "$delay" \
    --json "$out/vector_add.slow$n.json" --record --db "$db" --branch main
done
tool vector_add.history 0 history --db "$db" --scenario vector_add --mode cubin-cached --metric host.time_per_launch
tool vector_add.history-driver 0 history --db "$db" --scenario vector_add --mode driver --metric host.time_per_launch
tool vector_add.history-relative 0 history --db "$db" --scenario vector_add --mode cubin-cached \
  --metric host.time_per_launch --relative-to driver
echo "== done (status $status)"
exit $status
