"""triton-aot's frontend: compile Triton kernels for named GPU architectures.

Protocol (the C++ driver is the only caller): a request JSON on stdin, one response
JSON on stdout. Needs Triton, never a GPU or a CUDA driver: the target is passed to
`triton.compile` explicitly, and nothing here touches `triton.runtime.driver`.

Request:  {"jobs": [JOB, ...], "parallel": N}
JOB:      {"id", "source_path", "scenario_dir", "canonical", "kernel", "params": [{"name","type"}],
           "constexprs": {name: value}, "hints": {name: 16|1}, "arch": 90,
           "num_warps", "num_stages", "num_ctas", "launch_pdl", "launch_cooperative_grid", "out_dir"}
          (num_ctas, launch_pdl, launch_cooperative_grid: Triton's compile options of the same
          names, the launch attributes; absent means 1, false, false)
Response: JSON lines on stdout: {"triton_version": "3.6.0"} first, then one RESULT a
          line as each job finishes (in completion order, so the driver can show progress).
          Before the jobs, {"importing": path} and {"imported": path} around the import
          of each kernel file (all imports happen first, in this process).
RESULT:   {"id", "ok": true, "metadata": {...}, "seconds": t, "imports": [path, ...]}
          (imports: the Python files the kernel file imported from outside the standard
          library, site-packages and tb_aot; the driver keys its cache by them)
       or {"id", "ok": false, "error": {"kind", "message", "file"?, "line"?, "col"?}}

Error kinds the driver maps to locations in scenario.toml: missing_kernel, not_jit,
param_mismatch, constexpr_missing, constexpr_unknown, constexpr_type. Kinds located in
the Python file: syntax, import, compile.
"""
import concurrent.futures
import json
import os
import sys
import time
import traceback

from tb_aot.loader import load_kernel_module, user_modules

def _compile_options(job):
    """Triton's options for one job: the variant's num_warps and num_stages and its launch
    attributes (num_ctas, launch_pdl, launch_cooperative_grid), which Triton records in the
    metadata that the runtime launches from."""
    return {"num_warps": job["num_warps"], "num_stages": job["num_stages"],
            "num_ctas": job.get("num_ctas", 1), "launch_pdl": bool(job.get("launch_pdl", False)),
            "launch_cooperative_grid": bool(job.get("launch_cooperative_grid", False))}


# The stages before PTX that a cache entry keeps beside sm_N.{cubin,ptx,json}
# (compiler/include/tb/compiler/bundle.hpp's ir_stages lists them with "ptx").
IR_STAGES = ("ttir", "ttgir", "llir")

METADATA_FIELDS = (
    "name", "num_warps", "num_ctas", "num_stages", "cluster_dims", "shared",
    "global_scratch_size", "global_scratch_align", "profile_scratch_size",
    "profile_scratch_align", "launch_cooperative_grid", "launch_pdl", "tmem_size",
    "triton_version", "hash", "arch", "maxnreg",
)


class FrontendError(Exception):
    def __init__(self, kind, message, file=None, line=None, col=None):
        super().__init__(message)
        self.kind, self.message, self.file, self.line, self.col = kind, message, file, line, col

    def as_json(self):
        out = {"kind": self.kind, "message": self.message}
        for key in ("file", "line", "col"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


_modules = {}   # (source_path, canonical) -> (module, imported files) or FrontendError
_helpers = {}   # helper modules kernel files imported so far: name -> file


def _import_error(error, job):
    """One FrontendError for whatever importing the kernel file raised."""
    if isinstance(error, SystemExit):
        return FrontendError("import", f"importing the kernel file called sys.exit({error.code!r})",
                             job["source_path"], _raising_line(error, job))
    return FrontendError("import", f"importing the kernel file raised {type(error).__name__}"
                         + (f": {error}" if str(error) else ""), job["source_path"], _raising_line(error, job))


def _raising_line(error, job):
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == job["canonical"]:
            line = frame.lineno
    return line


def _load(job):
    # Helpers an earlier kernel file imported are imported again, so each kernel file's
    # list names all it uses.
    for name in _helpers:
        sys.modules.pop(name, None)
    before = set(sys.modules)
    try:
        module = load_kernel_module(job["source_path"], job["canonical"], job.get("scenario_dir"))
    except SyntaxError as error:
        return FrontendError("syntax", f"invalid Python: {error.msg}", job["source_path"],
                             error.lineno, error.offset)
    except FrontendError as error:
        return error
    except BaseException as error:  # the kernel file raised, or exited, while importing
        return _import_error(error, job)
    helpers = user_modules(set(sys.modules) - before)
    _helpers.update(helpers)
    return module, sorted(set(helpers.values()))


def _module(job):
    key = (job["source_path"], job["canonical"])
    if key not in _modules:
        _modules[key] = _load(job)
    if isinstance(_modules[key], FrontendError):
        raise _modules[key]
    return _modules[key][0]


def _imports(job):
    """The helper files the job's kernel file imported (absolute paths)."""
    loaded = _modules.get((job["source_path"], job["canonical"]))
    return [] if loaded is None or isinstance(loaded, FrontendError) else loaded[1]


def _import_all(jobs, emit):
    """Import every kernel file once, here, before any worker forks. Around each, tell
    the driver which file is importing: one that ends the process (os._exit, a crash)
    is then named."""
    for job in jobs:
        if (job["source_path"], job["canonical"]) in _modules:
            continue
        emit({"importing": job["source_path"]})
        _modules[(job["source_path"], job["canonical"])] = _load(job)
        emit({"imported": job["source_path"]})


def _unwrapped(value):
    """The JITFunction under @triton.autotune / @triton.heuristics (each keeps it as .fn):
    triton-aot compiles the scenario's variants instead of tuning at run time."""
    import triton
    while isinstance(value, triton.runtime.KernelInterface) and not isinstance(value, triton.runtime.JITFunction):
        value = value.fn
    return value


def _kernel(job):
    import triton
    module = _module(job)
    fn = _unwrapped(getattr(module, job["kernel"], None))
    jitted = sorted(n for n, v in vars(module).items() if isinstance(_unwrapped(v), triton.runtime.JITFunction))
    if fn is None:
        raise FrontendError("missing_kernel", f"no function '{job['kernel']}' in {job['source_path']}"
                            f" (@triton.jit functions there: {', '.join(jitted) or 'none'})")
    if not isinstance(fn, triton.runtime.JITFunction):
        raise FrontendError("not_jit", f"'{job['kernel']}' in {job['source_path']} is not a "
                            f"@triton.jit function")
    return fn


def _check_signature(fn, job):
    runtime_params = [p.name for p in fn.params if not p.is_constexpr]
    constexpr_params = {p.name: p for p in fn.params if p.is_constexpr}
    declared = [p["name"] for p in job["params"]]
    if declared != runtime_params:
        raise FrontendError("param_mismatch", f"signature lists ({', '.join(declared)}) but "
                            f"'{fn.__name__}' takes runtime arguments ({', '.join(runtime_params)})")
    for name, value in job["constexprs"].items():
        if name not in constexpr_params:
            what = "a runtime argument" if name in runtime_params else "not a parameter"
            raise FrontendError("constexpr_unknown", f"constexpr '{name}' is {what} of "
                                f"'{fn.__name__}' (its constexprs: {', '.join(constexpr_params) or 'none'})")
        if isinstance(value, (dict, list)) or value is None:
            raise FrontendError("constexpr_type", f"constexpr '{name}' must be an integer, float, "
                                f"boolean or string, found {type(value).__name__}")
    for name, param in constexpr_params.items():
        if name not in job["constexprs"] and not param.has_default:
            raise FrontendError("constexpr_missing", f"constexpr '{name}' of '{fn.__name__}' has no "
                                f"value (give it in the kernel's or variant's constexprs)")


def _def_position(fn):
    """(file line of `def`, its indentation): Triton's AST counts lines from `def` and
    columns from the dedented source (JITFunction drops the decorators), while
    fn.starting_line_number is the line of the first decorator."""
    for index, text in enumerate(fn.raw_src):
        if text.lstrip().startswith("def "):
            return fn.starting_line_number + index, len(text) - len(text.lstrip())
    return fn.starting_line_number, 0


def _compile_reason(error):
    """Why Triton gave up. An error inside a called @jit function comes wrapped, with no
    message, at the call (where it is reported); the reason is down its __cause__ chain."""
    import triton
    while isinstance(error, triton.CompilationError) and not error.error_message and error.__cause__:
        error = error.__cause__
    if isinstance(error, triton.CompilationError):
        text = (error.error_message or "").strip()
    else:
        text = f"{type(error).__name__}: {str(error).strip()}".rstrip(": ")
    return text.splitlines()[-1] if text else type(error).__name__


def _ptxas_failure(error, job):
    """Triton reports ptxas's end as "`ptxas` failed with error code N": a negative N is
    subprocess's way of saying a signal ended it, which is no compile error."""
    import re
    import signal
    text = str(error)
    code = re.search(r"error code (-?\d+)", text)
    if code and int(code.group(1)) < 0:
        number = -int(code.group(1))
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"ptxas was interrupted by {name}, which is no compile error: compile again"
    first = text.strip().splitlines()[0] if text.strip() else "ptxas failed"
    return f"ptxas failed for sm_{job['arch']}: {first}"


def _compile(job):
    import triton
    from triton.backends.compiler import GPUTarget
    from triton.runtime.errors import PTXASError
    started = time.perf_counter()
    fn = _kernel(job)
    _check_signature(fn, job)
    signature = {}
    constexprs = dict(job["constexprs"])
    for param in fn.params:  # Python defaults the scenario leaves out, bound as the JIT binds them
        if param.is_constexpr and param.has_default and param.name not in constexprs:
            constexprs[param.name] = param.default
    attrs = {}
    for index, param in enumerate(fn.params):
        if param.is_constexpr:
            signature[param.name] = "constexpr"
            continue
        ptype = next(p["type"] for p in job["params"] if p["name"] == param.name)
        hint = job["hints"].get(param.name)
        if hint == 1:
            signature[param.name] = "constexpr"
            constexprs[param.name] = 1
        else:
            signature[param.name] = ptype
            if hint == 16:
                attrs[(index, )] = [["tt.divisibility", 16]]
    source = triton.compiler.ASTSource(fn=fn, signature=signature, constexprs=constexprs, attrs=attrs)
    try:
        compiled = triton.compile(source, target=GPUTarget("cuda", job["arch"], 32),
                                  options=_compile_options(job))
    except triton.CompilationError as error:
        node = getattr(error, "node", None)
        line = col = None
        if node is not None and hasattr(node, "lineno"):
            def_line, indent = _def_position(fn)
            line = def_line + node.lineno - 1
            col = indent + node.col_offset + 1 if hasattr(node, "col_offset") else None
        raise FrontendError("compile", f"Triton could not compile '{fn.__name__}': {_compile_reason(error)}",
                            job["source_path"], line, col)
    except PTXASError as error:
        raise FrontendError("compile", _ptxas_failure(error, job))
    except Exception as error:
        raise FrontendError("compile", f"Triton could not compile '{fn.__name__}' for sm_{job['arch']}: "
                            f"{type(error).__name__}: {str(error).strip().splitlines()[-1] if str(error).strip() else ''}")
    metadata = {}
    for field in METADATA_FIELDS:
        value = getattr(compiled.metadata, field, None)
        if isinstance(value, tuple):
            value = list(value)
        metadata[field] = value
    os.makedirs(job["out_dir"], exist_ok=True)
    stem = os.path.join(job["out_dir"], f"sm_{job['arch']}")
    with open(stem + ".cubin", "wb") as f:
        f.write(compiled.asm["cubin"])
    with open(stem + ".ptx", "w", encoding="utf-8") as f:
        f.write(compiled.asm["ptx"])
    # Triton's MLIR and LLVM stages, always kept in the cache entry: `compile --keep-ir`
    # copies them into the bundle (a stage Triton did not keep is simply absent here, and
    # the driver says so when --keep-ir asks for it).
    for stage in IR_STAGES:
        if stage in compiled.asm:
            with open(f"{stem}.{stage}", "w", encoding="utf-8") as f:
                f.write(compiled.asm[stage])
    with open(stem + ".json", "w", encoding="utf-8") as f:
        json.dump(metadata, f, indent=1, sort_keys=True)
    return {"metadata": metadata, "seconds": round(time.perf_counter() - started, 4)}


def _run_job(job):
    try:
        result = _compile(job)
        return {"id": job["id"], "ok": True, "imports": _imports(job), **result}
    except FrontendError as error:
        return {"id": job["id"], "ok": False, "error": error.as_json()}
    except Exception as error:  # a bug here or in Triton: report, never hang the driver
        return {"id": job["id"], "ok": False,
                "error": {"kind": "internal", "message": f"{type(error).__name__}: {error}"}}


def _die_with(parent):
    """Have Linux kill this process when `parent` ends, even by SIGKILL (PR_SET_PDEATHSIG,
    which posix_spawn cannot set and fork clears): no compile outlives triton-aot."""
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal
    ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)


def main():
    _die_with(int(os.environ.get("TB_AOT_PARENT_PID", "0")))
    request = json.load(sys.stdin)
    jobs = request["jobs"]
    parallel = max(1, int(request.get("parallel", 1)))
    # Keep the protocol stream clean: anything Triton or a kernel file prints goes to
    # stderr, and only emit() writes to the original stdout.
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    import triton

    def emit(record):
        protocol.write(json.dumps(record) + "\n")
        protocol.flush()

    emit({"triton_version": triton.__version__})
    _import_all(jobs, emit)
    if parallel == 1 or len(jobs) == 1:
        for job in jobs:
            emit(_run_job(job))
    else:
        # fork: workers inherit the imported Triton; each compiles independent variants
        import multiprocessing
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(max_workers=parallel, mp_context=context,
                                                    initializer=_die_with, initargs=(os.getpid(),)) as pool:
            for future in concurrent.futures.as_completed([pool.submit(_run_job, job) for job in jobs]):
                emit(future.result())
    return 0


if __name__ == "__main__":
    sys.exit(main())
