# Test-only: a kernel file whose import can be made slow, for the tests of time limits
# and signals (tests/compiler/lit/timeout_import_hangs.test, stop_*.test).
import os
import time

import triton
import triton.language as tl

_sleep = float(os.environ.get("TB_TEST_IMPORT_SLEEP", "0"))
_first = os.environ.get("TB_TEST_FIRST_IMPORT_FAST")  # a folder: the importer that makes it does not sleep
if _first:
    try:
        os.mkdir(_first)
        _sleep = 0
    except FileExistsError:
        pass
time.sleep(_sleep)


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x + y, mask=mask)
