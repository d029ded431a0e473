"""Load a Triton kernel file under a canonical, machine-independent file name.

Triton writes the kernel's source file name into the PTX (`.file`) and from there
into the cubin's line table. Loading every kernel file as `<scenario>/<file>` makes
the cubin independent of where the checkout lives, so a cubin compiled ahead of time
on one machine is byte-identical to the one Triton's JIT builds on another, provided
the JIT side loads the file through this same function (bench/jit_runner.py and the
GPU tests do). Triton's own library functions get the same treatment
(canonicalize_triton_library), for the same reason.
"""
import importlib.util
import linecache
import os
import sys
from pathlib import Path


def canonicalize_triton_library():
    """Name Triton's own @jit library functions (tl.cdiv, tl.sigmoid, the combine
    functions of tl.max and tl.sum, ...) by their path inside the package,
    `triton/language/standard.py`, instead of the install location. Kernels that call
    them inline their code, and the line table names the file: without this the cubin
    would depend on where Triton is installed. Idempotent."""
    import triton
    from triton.runtime.jit import JITCallable
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(triton.__file__)))
    for name, module in list(sys.modules.items()):
        if not (name == "triton.language" or name.startswith("triton.language.")) or module is None:
            continue
        for value in list(vars(module).values()):
            fn = getattr(value, "fn", None) if isinstance(value, JITCallable) else None
            code = getattr(fn, "__code__", None)
            if code is None or not os.path.isabs(code.co_filename):
                continue
            if code.co_filename.startswith(package_root + os.sep):
                fn.__code__ = code.replace(co_filename=os.path.relpath(code.co_filename, package_root))


def canonical_name(scenario: str, relative_source: str) -> str:
    return f"{scenario}/{Path(relative_source).as_posix()}"


def load_kernel_module(path: str, canonical: str, scenario_dir: str = None):
    """Execute the file at `path` as a module whose code claims to live at `canonical`.

    With `scenario_dir`, that folder goes first on sys.path, so the kernel file imports
    its helper modules (`from helpers import add`) as a script in that folder would.
    Raises SyntaxError (with filename set to `path`) for a broken file, and whatever
    the module raises at import time.
    """
    canonicalize_triton_library()
    if scenario_dir is not None:
        scenario_dir = os.path.abspath(scenario_dir)
        if scenario_dir not in sys.path:
            sys.path.insert(0, scenario_dir)
    text = Path(path).read_text(encoding="utf-8")
    try:
        code = compile(text, canonical, "exec")
    except SyntaxError as error:
        error.filename = path  # point the user at the real file
        raise
    lines = text.splitlines(keepends=True)
    # `mtime None` marks the entry as not backed by a file, so checkcache keeps it;
    # inspect.getsourcelines (used by triton.jit) then finds the text.
    linecache.cache[canonical] = (len(text), None, lines, canonical)
    module_name = "tb_kernels_" + "".join(c if c.isalnum() else "_" for c in canonical)
    spec = importlib.util.spec_from_loader(module_name, loader=None, origin=canonical)
    module = importlib.util.module_from_spec(spec)
    module.__file__ = canonical
    sys.modules[module_name] = module
    exec(code, module.__dict__)
    return module


def _library_roots():
    import sysconfig
    paths = sysconfig.get_paths()
    roots = {paths[name] for name in ("stdlib", "platstdlib", "purelib", "platlib") if name in paths}
    roots.add(os.path.dirname(os.path.abspath(__file__)))  # tb_aot itself: keyed as the frontend
    return tuple(os.path.realpath(r) + os.sep for r in roots)


def user_modules(names):
    """{module name: absolute file} for those of `names` loaded from a file outside the
    standard library, site-packages and tb_aot: the kernel file's own helper modules."""
    roots = _library_roots()
    found = {}
    for name in names:
        file = getattr(sys.modules.get(name), "__file__", None)
        if not file or not os.path.isabs(file) or not os.path.isfile(file):
            continue
        real = os.path.realpath(file)
        installed = {"site-packages", "dist-packages"} & set(Path(real).parts)  # any environment's
        if not real.startswith(roots) and not installed:
            found[name] = os.path.abspath(file)
    return found
