import triton
import triton.language as tl


@triton.jit
def square(x):
    return tl.dot(x, x)


@triton.jit
def dot_kernel(x_ptr, BLOCK: tl.constexpr):
    offsets = tl.arange(0, BLOCK)
    y = square(tl.load(x_ptr + offsets))  # line 13: the call that fails
    tl.store(x_ptr + offsets, y)
