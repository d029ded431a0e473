"""A cluster launch (issue 16): scale_kernel is compiled with num_ctas = 2, so each
program is a cluster of two CTAs (sm_90 and newer) that split its BLOCK_SIZE elements,
and is launched with cuLaunchKernelEx and CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION (2, 1, 1)
over a grid of programs x 2 CTAs; producer_kernel before it is a plain kernel on the
plain cuLaunchKernel path. a = 2x + 1 (sandwich's producer), out = 3a - 0.5."""
import triton
import triton.language as tl


@triton.jit
def producer_kernel(src_ptr, dst_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(src_ptr + offsets, mask=mask)
    tl.store(dst_ptr + offsets, x * 2.0 + 1.0, mask=mask)


@triton.jit
def scale_kernel(src_ptr, dst_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(src_ptr + offsets, mask=mask)
    tl.store(dst_ptr + offsets, x * 3.0 - 0.5, mask=mask)
