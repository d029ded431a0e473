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
RESULT:   {"id", "ok": true, "metadata": {...}, "seconds": t, "imports": [path, ...],
           "stages": [[name, seconds], ...]}
          (stages: Triton's compile listener's times, in order: "ir_initialization" (building
          or parsing the IR), each lowering "ttir" "ttgir" "llir" "ptx" "cubin" (ptxas),
          "store_results" (Triton writing its cache); a .ttgir source has no "ttir")
          (imports: the Python files the kernel file imported from outside the standard
          library, site-packages and tb_aot; the driver keys its cache by them)
       or {"id", "ok": false, "error": {"kind", "message", "file"?, "line"?, "col"?}}

Error kinds the driver maps to locations in scenario.toml: missing_kernel, not_jit,
param_mismatch, constexpr_missing, constexpr_unknown, constexpr_type, ir_name (the
kernel), ir_hints (the specialisation), ir_variant (the variant). Kinds located in the
Python or IR file: syntax, import, compile, ir.

A job whose source_path ends in .ttir or .ttgir is compiled from that IR file (Triton's
IRSource): nothing is imported, and the checks are made against the IR's entry function.
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
        if _is_ir(job) or (job["source_path"], job["canonical"]) in _modules:
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


IR_SUFFIXES = (".ttir", ".ttgir")


def _last_line(error):
    """'TypeName: the last line of its message' (Triton's messages end with the reason)."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[-1] if text else ''}"


def _is_ir(job):
    return job["source_path"].endswith(IR_SUFFIXES)


class _StderrCapture:
    """What MLIR prints on file descriptor 2 (its diagnostics) while parsing, kept."""

    def __enter__(self):
        import tempfile
        sys.stderr.flush()
        self._file = tempfile.TemporaryFile()
        self._saved = os.dup(2)
        os.dup2(self._file.fileno(), 2)
        return self

    def __exit__(self, *exc):
        sys.stderr.flush()
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._file.seek(0)
        self.text = self._file.read().decode("utf-8", "replace")
        self._file.close()
        return False


def _ir_error(text, job, fallback):
    """A FrontendError from MLIR's diagnostics: at the IR file's line and column when
    the first error is located there, else the IR file with the message and where MLIR
    says it is (an op's own location)."""
    import re
    path = job["source_path"]
    for line in text.splitlines():
        match = re.match(r'\s*loc\("([^"]*)":(\d+):(\d+)\): error: (.*)', line)
        if match and os.path.abspath(match.group(1)) == os.path.abspath(path):
            return FrontendError("ir", f"invalid {_ir_kind(job)}: {match.group(4).strip()}", path,
                                 int(match.group(2)), int(match.group(3)))
        match = re.match(r"\s*(loc\(.*\)): error: (.*)", line)
        if match:
            return FrontendError("ir", f"invalid {_ir_kind(job)}: {match.group(2).strip()} (at {match.group(1)})", path)
    return FrontendError("ir", f"invalid {_ir_kind(job)}: {fallback}", path)


def _ir_kind(job):
    return "TTGIR" if job["source_path"].endswith(".ttgir") else "TTIR"


def _mlir_type(scenario_type):
    """A scenario type as MLIR's signature names it: fp32 is f32, and integers are
    signless (u32 is i32)."""
    pointer = scenario_type.startswith("*")
    base = scenario_type.lstrip("*")
    if base in ("fp16", "fp32", "fp64"):
        base = "f" + base[2:]
    elif base.startswith("u") and base[1:].isdigit():
        base = "i" + base[1:]
    return ("*" if pointer else "") + base


def _entry_arguments(text, name):
    """The argument texts of `tt.func ... @name(...)`, split at top-level commas."""
    import re
    match = re.search(r"tt\.func\s+(?:public\s+|private\s+)?@" + re.escape(name) + r"\(", text)
    if not match:
        return None
    depth, start, args, i = 0, match.end(), [], match.end()
    quoted = False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c in "(<{[":
            depth += 1
        elif c in ")>}]":
            if depth == 0:
                if text[start:i].strip():
                    args.append(text[start:i])
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[start:i])
            start = i + 1
        i += 1
    return None


def _check_ir(job, target):
    """The IR file against the scenario: its entry function is the kernel, takes the
    signature's arguments (those a ':1' specialisation folds excepted) with the
    specialisation's tt.divisibility, and TTGIR was made for this arch and the
    variant's num_warps and num_ctas."""
    from triton._C.libtriton import ir
    from triton.compiler.compiler import IRSource, make_backend
    path = job["source_path"]
    context = ir.context()  # outlives src: the parsed module lives in it
    try:
        with _StderrCapture() as capture:
            try:
                src = IRSource(path, context, make_backend(target))
                failure = None
            except Exception as error:  # MLIR said why on stderr
                failure = error
    except OSError as error:
        raise FrontendError("ir", f"cannot read the IR file: {error}", path)
    if failure is not None:
        raise _ir_error(capture.text, job, str(failure) or type(failure).__name__)
    try:
        _check_ir_source(job, src)
    finally:
        del src  # before the context


def _check_ir_source(job, src):
    import re
    path = job["source_path"]
    name = src.name.lstrip("@")
    if name != job["kernel"]:
        raise FrontendError("ir_name", f"the IR file's kernel is '{name}' (tt.func @{name} in {path}), expected "
                            f"'{job['kernel']}', the kernel's name")
    kept = [p for p in job["params"] if job["hints"].get(p["name"]) != 1]
    declared = [_mlir_type(p["type"]) for p in kept]
    found = [str(src.signature[i]) for i in sorted(src.signature)]
    if declared != found:
        raise FrontendError("param_mismatch", f"signature lists ({', '.join(p['name'] + ': ' + p['type'] for p in kept)})"
                            f" but the IR file's @{name} takes ({', '.join(found) or 'nothing'})"
                            + (" (arguments equal to 1 are folded)" if len(kept) != len(job["params"]) else ""))
    text = src.src
    args = _entry_arguments(text, name) or []
    for param, arg in zip(kept, args):
        in_ir = "tt.divisibility = 16" in arg
        wanted = job["hints"].get(param["name"]) == 16
        if in_ir != wanted:
            raise FrontendError("ir_hints", f"'{param['name']}' is {'' if wanted else 'not '}hinted :16 here but the IR "
                                f"file's argument {'has' if in_ir else 'has no'} tt.divisibility = 16; expected the "
                                f"specialisation the IR was compiled for")
    if path.endswith(".ttgir"):
        arch = re.search(r'ttg\.target\s*=\s*"cuda:(\d+)"', text)
        if arch and int(arch.group(1)) != job["arch"]:
            raise FrontendError("ir", f"the TTGIR is for cuda:{arch.group(1)} (ttg.target), expected cuda:{job['arch']} "
                                f"for sm_{job['arch']}: TTGIR is made for one arch (a .ttir file compiles for any)", path)
        for key, option in (("ttg.num-warps", "num_warps"), ("ttg.num-ctas", "num_ctas")):
            value = src.module.get_int_attr(key)
            wanted = job.get(option, 1)
            if value is not None and value != wanted:
                raise FrontendError("ir_variant", f"the TTGIR has {key} = {value}, but variant sets {option} = {wanted}; "
                                    f"expected the same (TTGIR fixes it)")


def _compile_ir(job):
    import triton
    from triton.backends.compiler import GPUTarget
    from triton.runtime.errors import PTXASError
    target = GPUTarget("cuda", job["arch"], 32)
    _check_ir(job, target)
    with _StderrCapture() as capture:  # MLIR's diagnostics, to locate a failure
        try:
            compiled = triton.compile(job["source_path"], target=target, options=_compile_options(job))
            failure = None
        except PTXASError as error:
            failure = FrontendError("compile", _ptxas_failure(error, job))
        except Exception as error:
            failure = error
    sys.stderr.write(capture.text)
    if isinstance(failure, FrontendError):
        raise failure
    if failure is not None:
        raise _ir_error(capture.text, job, f"Triton could not compile it for sm_{job['arch']}: {_last_line(failure)}")
    return compiled


def _compile(job):
    import triton
    from triton.backends.compiler import GPUTarget
    from triton.runtime.errors import PTXASError
    started = time.perf_counter()
    if _is_ir(job):
        return _store(job, _compile_ir(job), started)
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
                            f"{_last_line(error)}")
    return _store(job, compiled, started)


_listened = []  # what Triton's compile listener heard, for the compile in progress


def _listener(src, metadata, metadata_group, times, cache_hit):
    """triton.knobs.compilation.listener: Triton calls it at the end of each compile with
    its CompileTimes (microseconds)."""
    _listened.append(times)


def _stage_seconds():
    """The last compile's stages as [[name, seconds], ...], or [] when none was heard."""
    if not _listened:
        return []
    times = _listened[-1]
    _listened.clear()
    stages = [["ir_initialization", times.ir_initialization / 1e6]]
    stages += [[name, us / 1e6] for name, us in times.lowering_stages]
    stages.append(["store_results", times.store_results / 1e6])
    return [[name, round(seconds, 6)] for name, seconds in stages]


def _store(job, compiled, started):
    """The compiled image's files in the job's out_dir, and its result."""
    stages = _stage_seconds()
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
    return {"metadata": metadata, "seconds": round(time.perf_counter() - started, 4), "stages": stages}


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

    # Per-stage compile times (--timings): set before the workers fork, so each has it.
    triton.knobs.compilation.listener = _listener
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
