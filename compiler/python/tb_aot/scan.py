"""triton-aot init's scanner: the @triton.jit functions of a Python file, read with `ast`.

The file is parsed, never imported or executed, so scanning it has no side effects
and needs no Triton. Reports what the file says about each kernel plus the guesses
the skeleton starts from (argument types, constexpr values); the C++ side
(compiler/src/skeleton.cpp) words them into scenario.toml.

Protocol (the C++ driver is the only caller): {"path": "kernels.py"} on stdin, one
JSON line on stdout:
  {"ok": true, "kernels": [KERNEL, ...]}            in file order
  {"ok": false, "error": {"message", "line"?, "col"?}}
KERNEL: {"name", "line", "returns_value", "params": [PARAM, ...], "autotune": AUTOTUNE|null,
         "heuristics": [name, ...], "other_decorators": ["functools.cache", ...],
         "jit_options": "triton.jit(do_not_specialize=['n'])"|null}
PARAM:  {"name", "constexpr", "annotation": text|null, "default_source": text|null,
         runtime:   "type", "type_from": "annotation"|"default"|"name"
         constexpr: "value" (a TOML-able int/float/bool/str, absent if none),
                    "value_from": "default"|"not_toml"|"heuristics"|"placeholder",
                    "heuristic_source": text|null}
AUTOTUNE: {"key": text|null, "configs": [CONFIG, ...]|null (null: not literal),
           "configs_source": text}
CONFIG: {"constexprs": {name: value}, "num_warps": n|null, "num_stages": n|null,
         "ignored": ["num_ctas=2", ...]}
"""
import ast
import json
import math
import sys

JIT = {"triton.jit", "triton.runtime.jit", "triton.runtime.jit.jit"}
AUTOTUNE = {"triton.autotune", "triton.runtime.autotune", "triton.runtime.autotuner.autotune"}
HEURISTICS = {"triton.heuristics", "triton.runtime.heuristics", "triton.runtime.autotuner.heuristics"}
CONFIG = {"triton.Config", "triton.runtime.Config", "triton.runtime.autotuner.Config"}

# Triton's dtype names (tl.float32, "fp32", ...) -> the scenario's type names.
DTYPES = {
    "int1": "i1", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "float16": "fp16", "bfloat16": "bf16", "float32": "fp32", "float64": "fp64",
    "float8e4nv": "fp8e4nv", "float8e5": "fp8e5", "float8e4b15": "fp8e4b15",
}
DTYPES.update({v: v for v in list(DTYPES.values())})
POINTEE_ONLY = {"fp8e4nv", "fp8e5", "fp8e4b15"}

# Constexprs without a default get a value that compiles for common kernels: a
# power of two for sizes, false for flags named like flags.
FLAG_PREFIXES = ("HAS_", "IS_", "USE_", "EVEN_", "ENABLE_", "DO_")
PLACEHOLDER_INT = 64


def import_aliases(tree):
    """Local names bound to triton or its members: {"tl": "triton.language", "jit": "triton.jit"}."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "triton" or a.name.startswith("triton."):
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        aliases[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                (node.module == "triton" or node.module.startswith("triton.")):
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def qualified(expr, aliases):
    """`tt.jit` -> "triton.jit" through the imports; None for anything but a dotted name."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    head = aliases.get(expr.id, expr.id)
    return ".".join([head] + parts[::-1])


def literal(node):
    """A value TOML can hold (int64, finite float, bool, str), or None."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if -2**63 <= value < 2**63 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return None


def type_from_annotation(text):
    """'tl.float32' -> 'fp32', 'tl.pointer_type(tl.float16)' -> '*fp16', '*fp32' -> '*fp32'."""
    t = text.strip().strip("'\"").strip()
    t = t.removeprefix("const ").strip()
    pointer = False
    for prefix in ("tl.pointer_type(", "triton.language.pointer_type(", "pointer_type("):
        if t.startswith(prefix) and t.endswith(")"):
            t, pointer = t[len(prefix):-1].strip(), True
    if t.startswith("*"):
        t, pointer = t[1:], True
    elif t.endswith("*"):
        t, pointer = t[:-1].strip(), True
    t = t.removeprefix("triton.language.").removeprefix("tl.").replace("_t", "")
    name = DTYPES.get(t)
    if name is None or (name in POINTEE_ONLY and not pointer):
        return None
    return "*" + name if pointer else name


def runtime_type(name, annotation, default):
    if annotation is not None:
        t = type_from_annotation(annotation)
        if t:
            return t, "annotation"
    if default is not None and not isinstance(default, str):
        if isinstance(default, bool):
            return "i1", "default"
        return ("fp32" if isinstance(default, float) else "i32"), "default"
    return ("*fp32" if name.lower().endswith("ptr") else "i32"), "name"


def placeholder(name):
    return False if name.upper().startswith(FLAG_PREFIXES) else PLACEHOLDER_INT


def parameters(fn, heuristics):
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    out = []
    for arg, default_node in pairs:
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else None
        default = literal(default_node) if default_node is not None else None
        p = {"name": arg.arg, "constexpr": annotation is not None and "constexpr" in annotation,
             "annotation": annotation,
             "default_source": ast.unparse(default_node) if default_node is not None else None}
        if not p["constexpr"]:
            p["type"], p["type_from"] = runtime_type(arg.arg, annotation, default)
        elif default_node is not None:
            p["value_from"] = "default" if default is not None else "not_toml"
            if default is not None:
                p["value"] = default
        elif arg.arg in heuristics:
            p["value"], p["value_from"] = placeholder(arg.arg), "heuristics"
            p["heuristic_source"] = heuristics[arg.arg]
        else:
            p["value"], p["value_from"] = placeholder(arg.arg), "placeholder"
        out.append(p)
    return out


def keyword(call, name, position):
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return call.args[position] if len(call.args) > position else None


def config(node, aliases):
    """A literal triton.Config(...) as a dict, or None."""
    if not isinstance(node, ast.Call) or qualified(node.func, aliases) not in CONFIG:
        return None
    kwargs = keyword(node, "kwargs", 0)
    if not isinstance(kwargs, ast.Dict):
        return None
    constexprs = {}
    for k, v in zip(kwargs.keys, kwargs.values):
        name, value = literal(k) if k is not None else None, literal(v)
        if not isinstance(name, str) or value is None:
            return None
        constexprs[name] = value
    out = {"constexprs": constexprs, "ignored": []}
    for field, position in (("num_warps", 1), ("num_stages", 2)):
        value_node = keyword(node, field, position)
        value = literal(value_node) if value_node is not None else None
        if value_node is not None and (not isinstance(value, int) or isinstance(value, bool)):
            return None
        out[field] = value
    for k in node.keywords:
        if k.arg not in ("kwargs", "num_warps", "num_stages"):
            out["ignored"].append(f"{k.arg}={ast.unparse(k.value)}")
    return out


def autotune(call, aliases):
    configs = keyword(call, "configs", 0)
    key = keyword(call, "key", 1)
    parsed = None
    if isinstance(configs, (ast.List, ast.Tuple)):
        parsed = [config(c, aliases) for c in configs.elts]
        if any(c is None for c in parsed) or not parsed:
            parsed = None
    return {"key": ast.unparse(key) if key is not None else None, "configs": parsed,
            "configs_source": ast.unparse(configs) if configs is not None else ""}


def heuristic_values(call):
    """@triton.heuristics({"EVEN_K": lambda args: ...}) -> {"EVEN_K": "args[...] % 16 == 0"}."""
    values = keyword(call, "values", 0)
    out = {}
    if isinstance(values, ast.Dict):
        for k, v in zip(values.keys, values.values):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                body = v.body if isinstance(v, ast.Lambda) else v
                out[k.value] = ast.unparse(body)
    return out


def returns_value(fn):
    pending = list(fn.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Return) and node.value is not None and \
                not (isinstance(node.value, ast.Constant) and node.value.value is None):
            return True
        pending.extend(ast.iter_child_nodes(node))
    return False


def kernel(fn, aliases):
    """The kernel description of a function, or None if it is not @triton.jit."""
    kinds = [(d, qualified(d.func if isinstance(d, ast.Call) else d, aliases)) for d in fn.decorator_list]
    if not any(name in JIT for _, name in kinds):
        return None
    tuned, heuristics, others, jit_options = None, {}, [], None
    for node, name in kinds:
        if name in AUTOTUNE and isinstance(node, ast.Call):
            tuned = autotune(node, aliases)
        elif name in HEURISTICS and isinstance(node, ast.Call):
            heuristics.update(heuristic_values(node))
        elif name in JIT and isinstance(node, ast.Call) and (node.args or node.keywords):
            jit_options = ast.unparse(node)
        elif name not in JIT:
            others.append(ast.unparse(node))
    return {"name": fn.name, "line": fn.lineno, "returns_value": returns_value(fn),
            "params": parameters(fn, heuristics), "autotune": tuned,
            "heuristics": sorted(heuristics), "other_decorators": others, "jit_options": jit_options}


def module_functions(body):
    """Functions bound at module level (also inside module-level if/try/with), in file order."""
    for node in body:
        if isinstance(node, ast.FunctionDef):
            yield node
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for block in ("body", "orelse", "handlers", "finalbody"):
                for child in getattr(node, block, []):
                    yield from module_functions(child.body if isinstance(child, ast.ExceptHandler) else [child])


def scan(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    tree = ast.parse(text, filename=path)
    aliases = import_aliases(tree)
    found = {}
    for fn in module_functions(tree.body):
        k = kernel(fn, aliases)
        if k is not None:
            found.pop(k["name"], None)  # a later definition rebinds the name, as Python does
            found[k["name"]] = k
    return sorted(found.values(), key=lambda k: k["line"])


def main():
    request = json.load(sys.stdin)
    try:
        response = {"ok": True, "kernels": scan(request["path"])}
    except SyntaxError as error:
        response = {"ok": False, "error": {"message": f"invalid Python: {error.msg}",
                                           "line": error.lineno or 0, "col": error.offset or 0}}
    except UnicodeDecodeError as error:
        response = {"ok": False, "error": {"message": f"not UTF-8 text (byte {error.start}): "
                                                      f"kernel files are read as UTF-8"}}
    except (OSError, ValueError) as error:
        response = {"ok": False, "error": {"message": f"cannot read the file: {error}"}}
    sys.stdout.write(json.dumps(response) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
