import triton


@triton.jit
def combine(x, y):
    return x + y
