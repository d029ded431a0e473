"""Kernels whose only job is to be launched: one with 4 arguments, one with 22, so
the cost of packing and submitting arguments shows against the driver's floor."""
import triton
import triton.language as tl


@triton.jit
def args4_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    tl.store(out_ptr + offsets, tl.load(x_ptr + offsets, mask=mask) + tl.load(y_ptr + offsets, mask=mask), mask=mask)


@triton.jit
def args22_kernel(out_ptr, n_elements, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9,
                  p0, p1, p2, p3, p4, i0, i1, i2, i3, l0, BLOCK_SIZE: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    scalars = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + (i0 + i1 + i2 + i3 + l0).to(tl.float32)
    loaded = (tl.load(p0 + offsets, mask=mask) + tl.load(p1 + offsets, mask=mask) + tl.load(p2 + offsets, mask=mask)
              + tl.load(p3 + offsets, mask=mask) + tl.load(p4 + offsets, mask=mask))
    tl.store(out_ptr + offsets, loaded + scalars, mask=mask)
