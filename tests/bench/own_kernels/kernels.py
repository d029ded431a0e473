"""Kernels that do what users' kernels do and the shipped scenarios do not (issue 10).

Scalar parameters carry Triton type annotations (`s: tl.float16`, `start: tl.int64`):
without them Triton's JIT types a Python float as fp32 and a small Python int as i32,
and its kernels would differ from the ones scenario.toml declares. Pointers and the
integers whose launched values are divisible by 16 carry the `:16` hint in scenario.toml
and integers equal to 1 the `:1` hint, as the JIT specialises them, so the AOT
specialisation chosen for each launch is the one the JIT compiles.

What each kernel computes (i over the launched elements; fp16/bf16 arithmetic rounds
to that type after each operation, as the GPU does):

scalar_types_kernel   out16[i] = fp16(x[i] * s)                  x, s fp16
                      out32[i] = fp32(x[i]) * t + fp32(b)        t fp32, b bf16
many_args_kernel      for idx = start + i, i < n:
                      out[idx] = min(hi, sum_j w_j * x_j[idx] + wi * xi[idx] + wl * xl[idx]
                                     + c0 * ((bias_i64 >> shift) + bias_i32)
                                     + c1 * (idx % m))
                      (26 runtime arguments; bias_i64 needs all 64 bits: its low 32 bits
                      shifted by `shift` give 0)
matmul_kernel         c = fp16(a @ b), fp32 accumulation, 128x128x64 tiles, 3 stages
                      (over 48 KiB of shared memory)
strided_read_kernel   out[i] = x[i * stride] * 3 + 1, i < n (stride == 1 folded into the
                      code by the `:1` specialisation)
descriptor_transpose_kernel
                      out[j, i] = alpha * x[i, j] (x: M x N, out: N x M, row-major), tiles
                      moved with device-side tensor descriptors (TMA on sm_90); edge
                      tiles are clipped by the descriptor's bounds
"""
import triton
import triton.language as tl


@triton.jit
def scalar_types_kernel(x_ptr, out16_ptr, out32_ptr, s: tl.float16, t: tl.float32, b: tl.bfloat16, n,
                        BLOCK: tl.constexpr):
    """fp16, fp32 and bf16 scalar arguments: 2, 4 and 2 bytes in the parameter buffer."""
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(out16_ptr + offs, x * s, mask=mask)
    tl.store(out32_ptr + offs, x.to(tl.float32) * t + b.to(tl.float32), mask=mask)


@triton.jit
def many_args_kernel(x0_ptr, x1_ptr, x2_ptr, x3_ptr, x4_ptr, x5_ptr, xi_ptr, xl_ptr, out_ptr,
                     w0: tl.float32, w1: tl.float32, w2: tl.float32, w3: tl.float32, w4: tl.float32,
                     w5: tl.float32, wi: tl.float32, wl: tl.float32,
                     n, start: tl.int64, bias_i32, bias_i64: tl.int64, shift, c0: tl.float32,
                     c1: tl.float32, m: tl.int64, hi: tl.float32,
                     BLOCK: tl.constexpr):
    """26 runtime arguments of mixed types (9 pointers, 10 fp32, 3 i32, 3 i64, in the order a
    launcher must pack them): more than the 24 a fixed-size parameter array might hold."""
    idx = start + tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = idx < start + n
    acc = w0 * tl.load(x0_ptr + idx, mask=mask, other=0.0)
    acc += w1 * tl.load(x1_ptr + idx, mask=mask, other=0.0)
    acc += w2 * tl.load(x2_ptr + idx, mask=mask, other=0.0)
    acc += w3 * tl.load(x3_ptr + idx, mask=mask, other=0.0)
    acc += w4 * tl.load(x4_ptr + idx, mask=mask, other=0.0)
    acc += w5 * tl.load(x5_ptr + idx, mask=mask, other=0.0)
    acc += wi * tl.load(xi_ptr + idx, mask=mask, other=0).to(tl.float32)
    acc += wl * tl.load(xl_ptr + idx, mask=mask, other=0).to(tl.float32)
    k = (bias_i64 >> shift) + bias_i32
    acc += c0 * k.to(tl.float32)
    acc += c1 * (idx % m).to(tl.float32)
    tl.store(out_ptr + idx, tl.minimum(acc, hi), mask=mask)


@triton.jit
def matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K,
                  stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
                  BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    """C = A @ B, fp16 in and out, fp32 accumulation; one BLOCK_M x BLOCK_N tile per program,
    row-major program order. K must be a multiple of BLOCK_K (no K mask)."""
    pid = tl.program_id(0)
    num_pid_n = tl.cdiv(N, BLOCK_N)
    pid_m = pid // num_pid_n
    pid_n = pid % num_pid_n
    offs_m = (pid_m * BLOCK_M + tl.arange(0, BLOCK_M)) % M
    offs_n = (pid_n * BLOCK_N + tl.arange(0, BLOCK_N)) % N
    offs_k = tl.arange(0, BLOCK_K)
    a_ptrs = a_ptr + offs_m[:, None] * stride_am + offs_k[None, :] * stride_ak
    b_ptrs = b_ptr + offs_k[:, None] * stride_bk + offs_n[None, :] * stride_bn
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for _ in range(0, K, BLOCK_K):
        acc = tl.dot(tl.load(a_ptrs), tl.load(b_ptrs), acc)
        a_ptrs += BLOCK_K * stride_ak
        b_ptrs += BLOCK_K * stride_bk
    rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    c_ptrs = c_ptr + rows[:, None] * stride_cm + cols[None, :] * stride_cn
    tl.store(c_ptrs, acc.to(tl.float16), mask=(rows[:, None] < M) & (cols[None, :] < N))


@triton.jit
def strided_read_kernel(x_ptr, out_ptr, n, stride, BLOCK: tl.constexpr):
    """out[i] = x[i * stride] * 3 + 1: with stride == 1 the `:1` specialisation reads
    contiguously (and takes one argument fewer)."""
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs * stride, mask=mask)
    tl.store(out_ptr + offs, x * 3.0 + 1.0, mask=mask)


@triton.jit
def descriptor_transpose_kernel(x_ptr, out_ptr, M, N, stride_x, stride_out, alpha: tl.float32,
                                BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    """out = alpha * x^T through tensor descriptors made on the device (tl.make_tensor_descriptor:
    the descriptors live in the kernel's global scratch memory). Strides must be multiples
    of 16 bytes (TMA)."""
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    x_desc = tl.make_tensor_descriptor(x_ptr, shape=[M, N], strides=[stride_x, 1],
                                       block_shape=[BLOCK_M, BLOCK_N])
    out_desc = tl.make_tensor_descriptor(out_ptr, shape=[N, M], strides=[stride_out, 1],
                                         block_shape=[BLOCK_N, BLOCK_M])
    tile = x_desc.load([pid_m * BLOCK_M, pid_n * BLOCK_N])
    out_desc.store([pid_n * BLOCK_N, pid_m * BLOCK_M], tl.trans(tile) * alpha)
