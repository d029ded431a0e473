# Sourced by the GPU scripts: finds the CUDA toolkit of THIS machine and its CUPTI,
# wherever they are installed. Sets TB_CUDA_HOME and TB_CUPTI_LIB_DIR (the folder of
# libcupti.so*), or prints why not and returns 1. Looks, in order, at $CUDA_HOME,
# $CUDA_PATH, the nvcc on PATH, then the loader's cache (ldconfig -p) for libcupti.
tb_find_cuda() {
  local how="" dir
  TB_CUDA_HOME="" TB_CUPTI_LIB_DIR=""
  for dir in "${CUDA_HOME:-}" "${CUDA_PATH:-}"; do
    if [ -n "$dir" ] && [ -d "$dir" ]; then TB_CUDA_HOME=$dir how="\$CUDA_HOME/\$CUDA_PATH"; break; fi
  done
  if [ -z "$TB_CUDA_HOME" ] && command -v nvcc >/dev/null 2>&1; then
    TB_CUDA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")") how="nvcc on PATH"
  fi
  if [ -n "$TB_CUDA_HOME" ]; then
    for dir in "$TB_CUDA_HOME"/targets/*/lib "$TB_CUDA_HOME"/lib64 "$TB_CUDA_HOME"/lib \
               "$TB_CUDA_HOME"/extras/CUPTI/lib64; do
      if compgen -G "$dir/libcupti.so*" >/dev/null; then TB_CUPTI_LIB_DIR=$dir; break; fi
    done
  fi
  if [ -z "$TB_CUPTI_LIB_DIR" ] && command -v ldconfig >/dev/null 2>&1; then
    local lib
    lib=$(ldconfig -p 2>/dev/null | awk '/libcupti\.so/ {print $NF; exit}')
    [ -n "$lib" ] && TB_CUPTI_LIB_DIR=$(dirname "$lib") how="${how:+$how, }ldconfig"
  fi
  if [ -z "$TB_CUPTI_LIB_DIR" ]; then
    echo "find-cuda: no CUDA toolkit with CUPTI found (set CUDA_HOME, put nvcc on PATH, or register libcupti with ldconfig)" >&2
    return 1
  fi
  echo "find-cuda: CUDA ${TB_CUDA_HOME:-?} (${how}), CUPTI in $TB_CUPTI_LIB_DIR" >&2
  export TB_CUDA_HOME TB_CUPTI_LIB_DIR
}
