"""Programmatic dependent launch (PDL): sandwich's producer -> target -> consumer chain,
written so that each kernel may start while the one before it still runs.

Every kernel first calls gdc_launch_dependents() (the next kernel on the stream may be
scheduled now), reads only the inputs no kernel writes (x, y), then gdc_wait() (blocks
until the previous kernel has completed and its writes are visible), and only then
reads what the previous kernel wrote and writes its own output. Both calls are no-ops
when the kernel is launched without the PDL attribute, so the `plain` and `pdl`
variants run the same code and differ only in the launch: with launch_pdl the runtime
(and Triton's JIT) launch with CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION,
and the part before gdc_wait() overlaps the previous kernel (scenarios/pdl_chain/
scenario.toml; docs/bench.md, "Programmatic dependent launch").

The math is sandwich's, so the host models are the same: a = 2x + 1, b = alpha * a + y,
c = max(b - 1, 0)."""
import triton
import triton.language as tl
from triton.language.extra.cuda import gdc_launch_dependents, gdc_wait


@triton.jit
def producer_kernel(src_ptr, dst_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    gdc_launch_dependents()
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(src_ptr + offsets, mask=mask)  # x: written by no kernel
    gdc_wait()  # dst (a) is read by the previous iteration's target_kernel
    tl.store(dst_ptr + offsets, x * 2.0 + 1.0, mask=mask)


@triton.jit
def target_kernel(x_ptr, y_ptr, out_ptr, alpha, n_elements, BLOCK_SIZE: tl.constexpr):
    gdc_launch_dependents()
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    y = tl.load(y_ptr + offsets, mask=mask)  # y: written by no kernel
    gdc_wait()  # x (a) is the producer's output
    x = tl.load(x_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x * alpha + y, mask=mask)


@triton.jit
def consumer_kernel(src_ptr, dst_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    gdc_launch_dependents()
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    gdc_wait()  # src (b) is the target's output
    x = tl.load(src_ptr + offsets, mask=mask)
    tl.store(dst_ptr + offsets, tl.maximum(x - 1.0, 0.0), mask=mask)
