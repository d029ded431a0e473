"""Makes the entry Triton's own cache holds for add_kernel (x_ptr, y_ptr, out_ptr,
n_elements all :16, BLOCK_SIZE 1024, 4 warps, sm_90) as the JIT would: triton.compile
into a fresh TRITON_CACHE_DIR (no GPU needed), from the kernel file where it lies, then
copies that one entry folder (NAME.ttir NAME.ttgir NAME.llir NAME.ptx ...) to DEST.
  jit_cache_entry.py KERNELS_PY DEST"""
import glob
import importlib.util
import os
import shutil
import sys
import tempfile

source, dest = sys.argv[1], sys.argv[2]
cache = tempfile.mkdtemp()
os.environ["TRITON_CACHE_DIR"] = cache
import triton  # noqa: E402
from triton.backends.compiler import GPUTarget  # noqa: E402

spec = importlib.util.spec_from_file_location("kernels", source)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
signature = {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32", "BLOCK_SIZE": "constexpr"}
attrs = {(i, ): [["tt.divisibility", 16]] for i in range(4)}
src = triton.compiler.ASTSource(fn=module.add_kernel, signature=signature, constexprs={"BLOCK_SIZE": 1024}, attrs=attrs)
triton.compile(src, target=GPUTarget("cuda", 90, 32), options={"num_warps": 4, "num_stages": 3})
entries = glob.glob(os.path.join(cache, "*", "add_kernel.ttgir"))
assert len(entries) == 1, entries
shutil.copytree(os.path.dirname(entries[0]), dest)
shutil.rmtree(cache)
