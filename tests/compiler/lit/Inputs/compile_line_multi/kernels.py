import triton
import triton.language as tl


@triton.jit(
    do_not_specialize=["x_ptr"],
)
def dot_kernel(x_ptr, BLOCK: tl.constexpr):
    offsets = tl.arange(0, BLOCK)
    y = tl.dot(tl.load(x_ptr + offsets), tl.load(x_ptr + offsets))  # line 10
    tl.store(x_ptr + offsets, y)
