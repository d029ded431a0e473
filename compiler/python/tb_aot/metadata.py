"""A compiled Triton kernel described as one JSON object, for triton-bench's code comparison
(bench/src/code_identity.hpp reads it; bench/jit_runner.py writes it for each JIT launch).

describe(compiled) takes a triton CompiledKernel (what `triton.compile` returns, and what
`kernel[grid](...)` returns from the JIT) and gives:
  - every field of `compiled.metadata` (Triton's KernelMetadata: num_warps, num_stages,
    triton_version, arch, ..., as in Triton's cache JSON), tuples as lists and "target" as
    {"backend", "arch", "warp_size"};
  - the specialisation it was compiled for, from `compiled.src` (the ASTSource), in the
    keys Triton's own serialize_specialization_data uses: "signature" {argument: type or
    "constexpr"}, "constant_keys" [[index], ...] with "constant_vals", "attrs_keys" with
    "attrs_vals" ([["tt.divisibility", 16]] per key);
  - "arg_names": the function's parameters in order, which the index keys refer to.
Needs no GPU.
"""


def _plain(value):
    """JSON-able: numbers, strings, booleans and None as they are, tuples as lists,
    tl.constexpr by its value, anything else (a dtype) by its text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if type(value).__name__ == "constexpr" and hasattr(value, "value"):
        return _plain(value.value)
    if type(value).__name__ == "GPUTarget":
        return {"backend": value.backend, "arch": _plain(value.arch), "warp_size": value.warp_size}
    return str(value)


def describe(compiled):
    out = {key: _plain(value) for key, value in compiled.metadata._asdict().items()}
    src = getattr(compiled, "src", None)
    fn = getattr(src, "fn", None)
    if fn is None:  # compiled from IR text: no specialisation to report
        return out
    out["arg_names"] = list(fn.arg_names)
    out["signature"] = {name: _plain(kind) for name, kind in src.signature.items()}
    out["constant_keys"] = [list(key) for key in src.constants]
    out["constant_vals"] = [_plain(value) for value in src.constants.values()]
    out["attrs_keys"] = [list(key) for key in src.attrs]
    out["attrs_vals"] = [_plain(value) for value in src.attrs.values()]
    return out
