#!/usr/bin/env bash
# Renders the viewer's screenshots in docs/images/, offscreen (no display needed):
#   gui-main.png, gui-compare.png, gui-compare-all.png, gui-kernels.png  the recorded GPU run (bench/recorded/)
#   gui-graph-flows.png  a graph-mode trace of an H200 run (tests/gui/data/h200-sandwich.graph.json.gz)
#   gui-history.png   the render test's synthetic results database (tb.test.gui.render)
# docs/gui.md shows the same commands; `scripts/gui-screenshots.sh --check-docs` only checks
# that it does (the test tb.test.gui.screenshot_commands_documented).
# Needs the built viewer and render test: cmake --build build --target triton-bench-gui tb_test_gui_render
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The commands, one a line, exactly as docs/gui.md shows them (there wrapped with "\").
commands() {
  cat <<'CMDS'
QT_QPA_PLATFORM=offscreen build/bin/triton-bench-gui --target target_kernel --fit-iterations 3:2 --select target_kernel --size 1600x560 --screenshot docs/images/gui-main.png $R/sandwich.cubin.json
QT_QPA_PLATFORM=offscreen build/bin/triton-bench-gui --target target_kernel --compare --align launch:50 --fit-iterations 50:1 --size 1700x900 --screenshot docs/images/gui-compare.png $R/sandwich.{ptx,cubin,cubin-cached,jit}.json
QT_QPA_PLATFORM=offscreen build/bin/triton-bench-gui --target target_kernel --compare --align launch:50 --fit-iterations 50:1 --size 1900x1000 --screenshot docs/images/gui-compare-all.png $R/sandwich.{ptx,cubin,ptx-cached,cubin-cached,library,jit,graph,cubin-cached-2}.json
QT_QPA_PLATFORM=offscreen build/bin/triton-bench-gui --target target_kernel --fit-iterations 19:5 --range-iterations 20:3 --mark-kernel target_kernel --size 1600x860 --screenshot docs/images/gui-kernels.png $R/sandwich.cubin-cached.json
QT_QPA_PLATFORM=offscreen build/bin/triton-bench-gui --fit-iterations 300:3 --select cuGraphLaunch --size 1600x560 --screenshot docs/images/gui-graph-flows.png tests/gui/data/h200-sandwich.graph.json.gz
QT_QPA_PLATFORM=offscreen build/bin/tb_test_gui_render rendersHistoryToPng && cp build/tests/gui/history.png docs/images/gui-history.png
CMDS
}

# docs/gui.md with its wrapped lines joined and runs of blanks squeezed.
joined_docs() { sed -e ':a' -e '/\\$/N; s/\\\n//; ta' docs/gui.md | tr -s ' '; }

if [ "${1:-}" = "--check-docs" ]; then
  docs=$(joined_docs)
  status=0
  while IFS= read -r line; do
    grep -qF -- "$line" <<<"$docs" || { echo "docs/gui.md does not show: $line" >&2; status=1; }
  done < <(commands)
  exit $status
fi

for exe in build/bin/triton-bench-gui build/bin/tb_test_gui_render; do
  [ -x "$exe" ] || { echo "gui-screenshots.sh: $exe is not built (cmake --build build --target triton-bench-gui tb_test_gui_render)" >&2; exit 1; }
done
R=bench/recorded
while IFS= read -r line; do
  echo "+ $line"
  eval "$line"
done < <(commands)
