#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for building and testing triton-bench:
# the Debian packages of scripts/debian-packages.txt and a project-local Python
# environment (.venv) with Triton pinned to the GPU machine's version.
# Idempotent: when everything is present it only checks, in well under a second.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The package list is data, shared with the dependency check (scripts/check_dependencies.py).
package_list="$root/scripts/debian-packages.txt"
apt_packages=()
line_number=0
while IFS= read -r line || [ -n "$line" ]; do
  line_number=$((line_number + 1))
  read -r -a words <<< "${line%%#*}"
  case ${#words[@]} in
    0) ;;
    1) apt_packages+=("${words[0]}") ;;
    *) echo "bootstrap: $package_list:$line_number: one package per line, found: ${words[*]}" >&2; exit 1 ;;
  esac
done < "$package_list"
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x /usr/local/cuda/bin/nvcc ] && ! command -v nvcc >/dev/null; then
  echo "bootstrap: warning: no CUDA toolkit at /usr/local/cuda; runtime tests that compile CUDA code are skipped" >&2
fi

# Python: a project-local venv with pinned packages; a stamp holding the hash of the
# requirements file makes the check instant when nothing changed.
req="$root/scripts/requirements.txt"
venv="$root/.venv"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  py=python3
  command -v python3.11 >/dev/null && py=python3.11
  echo "bootstrap: creating Python environment $venv"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
fi
