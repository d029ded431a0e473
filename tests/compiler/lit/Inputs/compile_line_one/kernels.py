import triton
import triton.language as tl


@triton.jit
def dot_kernel(x_ptr, BLOCK: tl.constexpr):
    offsets = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offsets)
    y = tl.dot(x, x)  # line 9: tl.dot needs 2-D blocks
    tl.store(x_ptr + offsets, y)
