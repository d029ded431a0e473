# No @triton.jit function: plain Python, a method, a `jit` that is not Triton's, and
# a kernel built by a call rather than a decorator (init lists decorated ones only).
import triton
from numba import jit


def host_helper(x):
    return x + 1


@jit
def numba_function(x):
    return x * 2


class Holder:
    @triton.jit
    def method(self, x_ptr):
        pass


def _body(x_ptr):
    pass


called = triton.jit(_body)
