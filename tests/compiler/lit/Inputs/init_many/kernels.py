# Kernels for the `triton-aot init` golden test: one of each shape init must handle.
import triton
import triton.language as tl
from triton import jit as tjit


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    tl.store(out_ptr + offsets, tl.load(x_ptr + offsets, mask=mask) + tl.load(y_ptr + offsets, mask=mask), mask=mask)


@triton.jit
def _scale(x, factor):  # a helper: returns a value, so it is not a kernel
    return x * factor


@triton.jit(
    do_not_specialize=["n"],
)
def scale_kernel(src_ptr, dst_ptr, n, alpha: tl.float32, BLOCK: tl.constexpr = 256,
                 DTYPE: tl.constexpr = tl.float32, HAS_BIAS: tl.constexpr = False):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    x = tl.load(src_ptr + offsets, mask=mask)
    tl.store(dst_ptr + offsets, _scale(x, alpha).to(DTYPE), mask=mask)


@triton.autotune(
    configs=[
        triton.Config({"BLOCK_SIZE": 128}, num_warps=4),
        triton.Config({"BLOCK_SIZE": 1024}, num_warps=8, num_stages=2),
    ],
    key=["n_elements"],
)
@triton.heuristics({"EVEN_N": lambda args: args["n_elements"] % args["BLOCK_SIZE"] == 0})
@triton.jit
def copy_kernel(src_ptr, dst: "*fp16", n_elements, BLOCK_SIZE: tl.constexpr, EVEN_N: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    if EVEN_N:
        tl.store(dst + offsets, tl.load(src_ptr + offsets))
    else:
        mask = offsets < n_elements
        tl.store(dst + offsets, tl.load(src_ptr + offsets, mask=mask), mask=mask)


@tjit
def fill_kernel(out_ptr, value, n_elements, BLOCK: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offsets, value, mask=offsets < n_elements)


def not_a_kernel(x):
    return x + 1
