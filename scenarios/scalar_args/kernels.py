import triton
import triton.language as tl


@triton.jit
def axpby_kernel(x_ptr, y_ptr, out_ptr, alpha, beta, n_elements, start, BLOCK_SIZE: tl.constexpr):
    """out[start + i] = alpha * x[start + i] + beta * y[start + i], i < n_elements.

    alpha and beta are fp32 scalars (4 bytes each in the kernel's parameter buffer: a
    launcher that passes a double breaks them), n_elements and start are i64."""
    offsets = start + tl.program_id(0).to(tl.int64) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < start + n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, alpha * x + beta * y, mask=mask)
