#!/usr/bin/env python3
"""Checks that what the build and the tools use comes from the two places that install it
on a fresh machine (scripts/bootstrap.sh), so that nothing works only because someone once
installed it by hand:

- Debian: every CMake package config the configure step used (the *_DIR entries of
  CMakeCache.txt whose folder holds a <Name>Config.cmake) and every library or program a
  find module found (the FILEPATH entries) belongs (dpkg -S) to a package of
  scripts/debian-packages.txt or to one they depend on (Depends and Pre-Depends, as
  apt-get --no-install-recommends installs them). Files no Debian package owns are
  "outside Debian" and are accepted only under a folder of scripts/outside-debian.txt,
  which gives the reason; what a find module found but the build does not need (found
  because this machine has it) is named with the reason in scripts/optional-finds.txt.
- Python: every module the project's Python files import (ast; the standard library and
  the project's own modules left out) is provided by a distribution of
  scripts/requirements.txt (installed in .venv) or of scripts/requirements-gpu.txt (what
  the GPU machine must have besides; not installed here).

  python3 scripts/check_dependencies.py [--build-dir build] [--packages FILE]
      [--requirements FILE]... [--outside-debian FILE] [--optional-finds FILE]
      [--python .venv/bin/python] [-v]

Exit status 0: everything is accounted for; 1: one line per problem, each saying what to
add where; 2: the check itself could not run (no CMakeCache.txt, no dpkg, a bad list).
"""
import argparse
import ast
import glob
import json
import os
import re
import subprocess
import sys
from pathlib import Path

PROGRAM = "check_dependencies"

# Python files the check does not read, with the reason. Every other .py file of the
# checkout is read (build folders, .venv and hidden folders excepted).
NOT_RUN = {
    "tests/compiler/lit/Inputs/init_none/kernels.py":
        "input of `triton-aot init`'s tests, scanned with ast and never imported (its numba import is the point)",
    "tests/compiler/lit/Inputs/syntax_error/kernels.py":
        "input of the frontend's diagnostics test, a syntax error on purpose",
}


class CheckError(Exception):
    """The check cannot run (exit status 2)."""


def shown(path, root):
    """`path` relative to the checkout when it is inside it."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(root))
    except ValueError:
        return str(path)


# --- lists -------------------------------------------------------------------------------

def read_package_list(path):
    """The packages of a debian-packages.txt: one per line, '#' comments."""
    packages = []
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as e:
        raise CheckError(f"{path}: cannot read the package list: {e.strerror}")
    for number, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if len(words) > 1:
            raise CheckError(f"{path}:{number}: one package per line, found: {' '.join(words)}")
        packages += words
    return packages


def normalize_distribution(name):
    """PEP 503: 'Foo_Bar.baz' and 'foo-bar-baz' name one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_requirements(path):
    """Normalized distribution names of a pip requirements file (options lines skipped)."""
    names = set()
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as e:
        raise CheckError(f"{path}: cannot read the requirements file: {e.strerror}")
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
        if not match:
            raise CheckError(f"{path}: not a requirement: {line}")
        names.add(normalize_distribution(match.group(0)))
    return names


def read_reasons(path, what, key_pattern):
    """(key, reason) pairs of a file of lines 'KEY reason...' ('#' comment lines)."""
    entries = []
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as e:
        raise CheckError(f"{path}: cannot read it: {e.strerror}")
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2 or not re.fullmatch(key_pattern, parts[0]):
            raise CheckError(f"{path}:{number}: expected {what} and the reason, found: {line}")
        entries.append((parts[0].rstrip("/") if parts[0] != "/" else "/", parts[1]))
    return entries


def read_outside_debian(path):
    """(folder, reason): files under the folder are accepted outside Debian. A folder may
    be a glob pattern (/usr/local/cuda-*)."""
    return read_reasons(path, "an absolute folder", r"/.*")


def accepted_roots(folder):
    """The folder as written and, for every existing path it names (glob), where its links
    end: /usr/local/cuda -> /usr/local/cuda-13.0 accepts files found under either name."""
    roots = [folder] if not glob.has_magic(folder) else []
    for match in glob.glob(folder):
        for p in (os.path.normpath(match), os.path.realpath(match)):
            if p not in roots:
                roots.append(p)
    return roots


def read_optional_finds(path):
    """(cache entry, reason): entries the build does not need, not checked."""
    return read_reasons(path, "a cache entry's name", r"[A-Za-z0-9_.+-]+")


# --- Debian ------------------------------------------------------------------------------

def run_tool(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as e:
        raise CheckError(f"cannot run {argv[0]}: {e.strerror} (the check needs a Debian machine)")


def installed_packages():
    """name -> (depends, pre_depends) of the installed packages, and virtual name -> providers."""
    fmt = r"${Package}\t${db:Status-Abbrev}\t${Depends}\t${Pre-Depends}\t${Provides}\n"
    result = run_tool(["dpkg-query", "-W", "-f", fmt])
    if result.returncode != 0:
        raise CheckError(f"dpkg-query -W failed: {result.stderr.strip()}")
    packages, providers = {}, {}
    for line in result.stdout.splitlines():
        name, status, depends, pre_depends, provides = (line.split("\t") + [""] * 5)[:5]
        if not status.startswith("ii"):
            continue
        old = packages.get(name, ("", ""))  # one entry per architecture: merge them
        packages[name] = (", ".join(filter(None, [old[0], depends])), ", ".join(filter(None, [old[1], pre_depends])))
        for clause in filter(None, (c.strip() for c in provides.split(","))):
            providers.setdefault(bare_name(clause), set()).add(name)
    return packages, providers


def bare_name(relation):
    """'libc6:any (>= 2.34)' -> 'libc6'."""
    return relation.split("(", 1)[0].split("[", 1)[0].strip().split(":", 1)[0]


def satisfiers(name, packages, providers):
    """Installed packages that satisfy a dependency on `name` (itself, or through Provides)."""
    found = [name] if name in packages else []
    return found + sorted(providers.get(name, set()) - {name})


def dependency_closure(listed, packages, providers):
    """Every package that installing `listed` brings: name -> the chain that brings it.

    For `a | b` the first alternative installed here is taken (apt takes the first one it
    can unless another is already there); a virtual package is satisfied by its providers."""
    why = {p: [p] for p in listed if p in packages}
    queue = list(why)
    while queue:
        parent = queue.pop(0)
        depends, pre_depends = packages[parent]
        for clause in filter(None, (c.strip() for c in f"{depends},{pre_depends}".split(","))):
            options = [s for alt in clause.split("|") for s in satisfiers(bare_name(alt), packages, providers)]
            if not options or any(o in why for o in options):
                continue
            why[options[0]] = why[parent] + [options[0]]
            queue.append(options[0])
    return why


def config_file(name, folder):
    """The package config file find_package(<name>) read from `folder`, or None."""
    stem = name[: -len("_DIR")]
    for candidate in (f"{stem}Config.cmake", f"{stem.lower()}-config.cmake"):
        if (folder / candidate).is_file():
            return folder / candidate
    others = sorted(folder.glob("*Config.cmake")) + sorted(folder.glob("*-config.cmake"))
    return others[0] if others else None


def cache_entries(cache, skip_roots):
    """(entry, file) for the package configs and found files of a CMakeCache.txt."""
    try:
        lines = cache.read_text().splitlines()
    except OSError as e:
        raise CheckError(f"{cache}: cannot read it ({e.strerror}); configure first (cmake --preset default)")
    entries = []
    for line in lines:
        match = re.match(r"([A-Za-z0-9_.+-]+):(PATH|FILEPATH)=(/.*)$", line)
        if not match:
            continue
        name, kind, value = match.groups()
        path = Path(value)
        if any(str(path).startswith(str(root) + "/") for root in skip_roots):
            continue  # the checkout's own (its .venv: the Python side below)
        if kind == "PATH" and name.endswith("_DIR") and path.is_dir():
            found = config_file(name, path)
            if found:
                entries.append((name, found))
        elif kind == "FILEPATH" and path.is_file():
            entries.append((name, path))
    return entries


WRAPPER = re.compile(r'#!/bin/(?:ba)?sh\n(?:#[^\n]*\n|\s*\n)*\s*exec\s+(/\S+)\s+"\$@"\s*')


def wrapped_program(path):
    """The program a one-line shell wrapper (`#!/bin/sh` then `exec /abs/prog "$@"`) runs,
    else None: some machines put such wrappers for the CUDA toolkit's programs on PATH."""
    try:
        if os.path.getsize(path) > 4096:
            return None
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError):
        return None
    match = WRAPPER.fullmatch(text)
    return match.group(1) if match else None


def link_chain(path):
    """`path`, the links it goes through, and where they end."""
    chain, current = [str(path)], str(path)
    for _ in range(40):
        if not os.path.islink(current):
            break
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
        chain.append(current)
    chain.append(os.path.realpath(path))
    return chain


def candidate_paths(path):
    """`path`, the links it goes through and where they end (and, for a one-line exec
    wrapper, the same of the program it runs), each also under the other name merged-/usr
    gives it (dpkg records some files as /lib/..., others as /usr/lib/...)."""
    chain = link_chain(path)
    wrapped = wrapped_program(chain[-1])
    if wrapped:
        chain += link_chain(wrapped)
    out = []
    for p in chain:
        alias = p[len("/usr"):] if re.match(r"/usr/(s?bin|lib[^/]*)/", p) else (
            "/usr" + p if re.match(r"/(s?bin|lib[^/]*)/", p) else None)
        for q in (p, alias):
            if q and q not in out:
                out.append(q)
    return out


def file_owners(paths):
    """path -> owning packages, for those of `paths` some package owns (one dpkg -S)."""
    if not paths:
        return {}
    result = run_tool(["dpkg-query", "-S", *paths])
    owners = {}
    for line in result.stdout.splitlines():
        if line.startswith(("diversion by", "local diversion")) or ": " not in line:
            continue
        names, path = line.split(": ", 1)
        owners[path] = sorted({n.strip().split(":", 1)[0] for n in names.split(",")})
    return owners


def check_debian(args, root, problems, report):
    listed = read_package_list(args.packages)
    list_name = shown(args.packages, root)
    packages, providers = installed_packages()
    for p in listed:
        if p not in packages:
            problems.append(f"{list_name}: {p} is listed but not installed: run scripts/bootstrap.sh")
    closure = dependency_closure(listed, packages, providers)
    allowed = read_outside_debian(args.outside_debian)
    allowed_name = shown(args.outside_debian, root)
    optional = dict(read_optional_finds(args.optional_finds))
    optional_name = shown(args.optional_finds, root)
    skip_roots = [root, Path(args.build_dir).resolve()]
    found = cache_entries(Path(args.build_dir) / "CMakeCache.txt", skip_roots)
    entries = [(entry, path) for entry, path in found if entry not in optional]
    not_needed = sorted(entry for entry, _ in found if entry in optional)
    candidates = {entry: candidate_paths(path) for entry, path in entries}
    owners_of = file_owners(sorted({c for cs in candidates.values() for c in cs}))
    outside = {}
    for entry, path in entries:
        owners = next((owners_of[c] for c in candidates[entry] if c in owners_of), [])
        if not owners:
            folder = next((f for f, _ in allowed for r in accepted_roots(f) for c in candidates[entry]
                           if c == r or c.startswith(r.rstrip("/") + "/")), None)
            if folder:
                outside.setdefault(folder, []).append(entry)
            else:
                problems.append(
                    f"{entry}: {path} belongs to no Debian package (outside Debian): install it from a package listed "
                    f"in {list_name}, or, where Debian has none, add its folder and the reason to {allowed_name}")
            continue
        bringing = [o for o in owners if o in closure]
        if bringing:
            report.append(f"  {entry}: {path} <- {' -> '.join(closure[bringing[0]])}")
            continue
        problems.append(
            f"{entry}: {path} belongs to Debian package {' or '.join(owners)}, which {list_name} neither lists nor "
            f"pulls in (Depends, Pre-Depends): add {owners[0]} to {list_name}")
    summary = [f"Debian: {len(entries)} CMake cache entries (package configs, found files) from {len(listed)} "
               f"packages of {list_name} ({len(closure)} with their dependencies)"]
    if not_needed:
        summary.append(f"  not needed, not checked ({optional_name}): {', '.join(not_needed)}")
    for folder, reason in allowed:
        names = outside.get(folder, [])
        if names:
            summary.append(f"  outside Debian, accepted by {allowed_name} ({folder}: {reason}): {len(names)} entries "
                           f"({', '.join(names)})")
        else:
            summary.append(f"  note: {allowed_name}: {folder} matched no cache entry")
    return summary


# --- Python ------------------------------------------------------------------------------

def python_files(root):
    """The checkout's .py files, minus build folders, .venv, hidden folders and NOT_RUN."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders
                               if not d.startswith((".", "build")) and d != "__pycache__")
        for f in sorted(files):
            relative = os.path.relpath(os.path.join(folder, f), root)
            if f.endswith(".py") and relative not in NOT_RUN:
                found.append(Path(relative))
    return found


def imports_of(path, root):
    """(top-level module, line) of every absolute import in a Python file."""
    try:
        tree = ast.parse((root / path).read_text(), str(path))
    except SyntaxError as e:
        raise CheckError(f"{path}:{e.lineno}: cannot parse it ({e.msg}); if it is a test input that is never run, "
                         f"add it to NOT_RUN in {PROGRAM}.py with the reason")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node.lineno))
    return found


def own_modules(root, files):
    """Modules the checkout provides itself: its packages (tb_aot) and modules (any .py file's name)."""
    names = {path.stem for path in files}
    for path in files:
        if path.name == "__init__.py":
            names.add(path.parent.name)
    return names


PROBE = """
import importlib.metadata, json, sys
print(json.dumps({"stdlib": sorted(sys.stdlib_module_names),
                  "distributions": importlib.metadata.packages_distributions()}))
"""


def probe_python(python):
    """The interpreter's standard library modules and module -> distributions of what it has installed."""
    result = run_tool([python, "-c", PROBE])
    if result.returncode != 0:
        raise CheckError(f"{python}: cannot list its modules (run scripts/bootstrap.sh): {result.stderr.strip()}")
    answer = json.loads(result.stdout)
    return set(answer["stdlib"]), answer["distributions"]


def check_python(args, root, problems, report):
    stdlib, distributions = probe_python(args.python)
    python = shown(args.python, root)
    listed = {shown(f, root): read_requirements(f) for f in args.requirements}
    where = lambda dist: [name for name, dists in listed.items() if normalize_distribution(dist) in dists]
    files = python_files(root)
    own = own_modules(root, files)
    used = {}
    for path in files:
        seen = set()
        for module, line in imports_of(path, root):
            if module in stdlib or module in own or module in seen:
                continue
            seen.add(module)
            installed = distributions.get(module, [])
            sources = [(d, w) for d in installed for w in where(d)]
            if not installed and where(module):
                sources = [(module, w) for w in where(module)]
            if sources:
                dist, in_file = sources[0]
                note = "" if installed else ", not installed here"
                used.setdefault(f"{module} ({dist}: {in_file}{note})", []).append(str(path))
                continue
            files_named = " or ".join(listed) or "no requirements file (none given)"
            if installed:
                problems.append(
                    f"{path}:{line}: import {module}: its distribution {' or '.join(installed)} is in {python}'s "
                    f"environment but not listed in {files_named}: add {installed[0]} to scripts/requirements.txt")
            else:
                problems.append(
                    f"{path}:{line}: import {module}: no distribution in {files_named} provides it, and {python} "
                    f"does not have it: add its distribution to scripts/requirements.txt, or to "
                    f"scripts/requirements-gpu.txt when only the GPU machine runs this file")
    report += [f"  {module}: {', '.join(paths)}" for module, paths in sorted(used.items())]
    return [f"Python: {len(files)} files of the checkout import {len(used)} modules from outside the standard library "
            f"and the project ({', '.join(sorted(m.split()[0] for m in used))}); {len(NOT_RUN)} files not read "
            f"(inputs never run, {PROGRAM}.py NOT_RUN)"]


# --- main --------------------------------------------------------------------------------

def main(argv):
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=root / "build", type=Path, help="the configured build (default build/)")
    parser.add_argument("--packages", default=root / "scripts" / "debian-packages.txt", type=Path)
    parser.add_argument("--requirements", action="append", type=Path,
                        help="a pip requirements file; repeatable (default: requirements.txt, requirements-gpu.txt)")
    parser.add_argument("--outside-debian", default=root / "scripts" / "outside-debian.txt", type=Path)
    parser.add_argument("--optional-finds", default=root / "scripts" / "optional-finds.txt", type=Path)
    parser.add_argument("--python", default=str(root / ".venv" / "bin" / "python"),
                        help="the interpreter whose installed distributions provide the imports (default .venv's)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show where every dependency comes from")
    args = parser.parse_args(argv)
    if args.requirements is None:
        args.requirements = [root / "scripts" / "requirements.txt", root / "scripts" / "requirements-gpu.txt"]
    problems, report = [], []
    try:
        summary = check_debian(args, root, problems, report) + check_python(args, root, problems, report)
    except CheckError as e:
        print(f"{PROGRAM}: error: {e}", file=sys.stderr)
        return 2
    for line in summary + (report if args.verbose else []):
        print(f"{PROGRAM}: {line}")
    for line in problems:
        print(f"{PROGRAM}: problem: {line}")
    print(f"{PROGRAM}: {'FAILED, ' + str(len(problems)) + ' problems' if problems else 'OK'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
