#!/usr/bin/env python3
"""scripts/check_dependencies.py: passes on the real lists; fails, naming the cache entry and
the package, on the package list from before libqt6opengl6-dev was added (the fresh-machine
failure of issue 11); fails naming torch when no requirements file lists it; and resolves
Debian relations (alternatives, Provides, :any, versions) as dpkg does.

  python3 dependency_check_test.py SOURCE_DIR BUILD_DIR PYTHON
"""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE, BUILD, PYTHON = (Path(a) for a in sys.argv[1:4])
del sys.argv[1:4]
CHECK = SOURCE / "scripts" / "check_dependencies.py"
sys.path.insert(0, str(CHECK.parent))
import check_dependencies  # noqa: E402


def run_check(*extra):
    result = subprocess.run([sys.executable, str(CHECK), "--build-dir", str(BUILD), "--python", str(PYTHON), *extra],
                            capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def problems(output):
    return [line for line in output.splitlines() if ": problem: " in line]


class RealLists(unittest.TestCase):
    def test_passes(self):
        status, output = run_check()
        self.assertEqual(status, 0, output)
        self.assertIn("check_dependencies: OK", output)
        self.assertIn("outside Debian, accepted by scripts/outside-debian.txt (/usr/local/cuda", output)


class OldState(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def test_package_list_without_libqt6opengl6_dev_fails_naming_it(self):
        if "Qt6OpenGL_DIR:PATH=" not in (BUILD / "CMakeCache.txt").read_text():
            self.skipTest("this build has no Qt (TB_BUILD_GUI=OFF)")
        real = (SOURCE / "scripts" / "debian-packages.txt").read_text().splitlines()
        kept = [line for line in real if line.split("#")[0].strip() != "libqt6opengl6-dev"]
        self.assertEqual(len(kept), len(real) - 1, "the real list should name libqt6opengl6-dev once")
        packages = Path(self.folder.name) / "debian-packages.txt"
        packages.write_text("\n".join(kept) + "\n")
        status, output = run_check("--packages", str(packages))
        self.assertEqual(status, 1, output)
        self.assertEqual(len(problems(output)), 1, output)
        line = problems(output)[0]
        for part in ("Qt6OpenGL_DIR", "Qt6OpenGLConfig.cmake", "belongs to Debian package libqt6opengl6-dev",
                     f"add libqt6opengl6-dev to {packages}"):
            self.assertIn(part, line)

    def test_torch_listed_nowhere_fails_naming_every_file_that_imports_it(self):
        status, output = run_check("--requirements", str(SOURCE / "scripts" / "requirements.txt"))
        self.assertEqual(status, 1, output)
        files = sorted(line.split("check_dependencies: problem: ")[1].split(":")[0] for line in problems(output))
        self.assertEqual(files, ["bench/jit_runner.py", "tests/bench/launch_attributes_gpu.py", "tests/compiler/jit_identity.py",
                                 "tests/profiler/jit_injection_gpu.py", "tests/profiler/kineto_crosscheck_gpu.py"],
                         output)
        self.assertTrue(all("import torch" in line and "scripts/requirements-gpu.txt" in line
                            for line in problems(output)), output)

    def test_an_installed_distribution_listed_nowhere_fails(self):
        status, output = run_check("--requirements", str(SOURCE / "scripts" / "requirements-gpu.txt"))
        self.assertEqual(status, 1, output)
        self.assertRegex(output, r"problem: compiler/python/tb_aot/frontend.py:\d+: import triton: its distribution "
                                 r"triton is in \S+'s environment but not listed in scripts/requirements-gpu.txt: "
                                 r"add triton to scripts/requirements.txt\n")

    def test_a_file_outside_debian_needs_the_allow_list(self):
        cache = (BUILD / "CMakeCache.txt").read_text()
        nvcc = next((line.split("=", 1)[1] for line in cache.splitlines()
                     if line.startswith("CUDAToolkit_NVCC_EXECUTABLE:FILEPATH=")), "")
        if not nvcc.startswith("/"):
            self.skipTest("this build found no nvcc")
        empty = Path(self.folder.name) / "outside-debian.txt"
        empty.write_text("# nothing\n")
        status, output = run_check("--outside-debian", str(empty))
        self.assertEqual(status, 1, output)
        self.assertIn(f"CUDAToolkit_NVCC_EXECUTABLE: {nvcc} belongs to no Debian package "
                      f"(outside Debian): install it from a package listed in scripts/debian-packages.txt, or, "
                      f"where Debian has none, add its folder and the reason to {empty}", output)

    def test_a_list_with_two_packages_on_a_line_is_refused(self):
        packages = Path(self.folder.name) / "debian-packages.txt"
        packages.write_text("cmake\ng++ ninja-build  # two\n")
        status, output = run_check("--packages", str(packages))
        self.assertEqual(status, 2, output)
        self.assertIn(f"{packages}:2: one package per line, found: g++ ninja-build", output)


class OutsideDebian(unittest.TestCase):
    """CI's machine: /usr/local/cuda a link to /usr/local/cuda-13.0, CMake finding the
    libraries under the versioned name, and nvcc on PATH a shell wrapper in /usr/local/bin
    (the check failed there, passing here where the toolkit was found as /usr/local/cuda)."""

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)
        self.root = Path(self.folder.name)
        (self.root / "cuda-13.0" / "bin").mkdir(parents=True)
        (self.root / "cuda-13.0" / "bin" / "nvcc").write_text("binary")
        (self.root / "cuda").symlink_to(self.root / "cuda-13.0")
        (self.root / "bin").mkdir()

    def test_a_linked_folder_accepts_files_under_the_name_it_points_to(self):
        roots = check_dependencies.accepted_roots(str(self.root / "cuda"))
        self.assertEqual(roots, [str(self.root / "cuda"), str(self.root / "cuda-13.0")])
        self.assertEqual(check_dependencies.accepted_roots(str(self.root / "cuda-*")), [str(self.root / "cuda-13.0")])

    def test_a_one_line_exec_wrapper_counts_as_the_program_it_runs(self):
        wrapper = self.root / "bin" / "nvcc"
        wrapper.write_text(f'#!/bin/sh\nexec {self.root}/cuda-13.0/bin/nvcc "$@"\n')
        self.assertIn(str(self.root / "cuda-13.0" / "bin" / "nvcc"), check_dependencies.candidate_paths(wrapper))

    def test_a_script_doing_more_than_exec_is_not_a_wrapper(self):
        script = self.root / "bin" / "nvcc"
        script.write_text(f'#!/bin/sh\nrm -rf /tmp/x\nexec {self.root}/cuda-13.0/bin/nvcc "$@"\n')
        self.assertIsNone(check_dependencies.wrapped_program(script))
        self.assertNotIn(str(self.root / "cuda-13.0" / "bin" / "nvcc"), check_dependencies.candidate_paths(script))


class Relations(unittest.TestCase):
    packages = {
        "tool": ("libfoo-dev (>= 1.2) | libfoo-compat-dev, python3:any, virtual-thing", "dpkg-base"),
        "libfoo-dev": ("libfoo1 (= 1.2-1)", ""),
        "libfoo1": ("", ""),
        "libfoo-compat-dev": ("", ""),
        "python3": ("", ""),
        "thing-impl": ("", ""),
        "dpkg-base": ("", ""),
        "unrelated": ("", ""),
    }
    providers = {"virtual-thing": {"thing-impl"}}

    def test_closure_follows_depends_pre_depends_first_alternative_and_provides(self):
        why = check_dependencies.dependency_closure(["tool"], self.packages, self.providers)
        self.assertEqual(set(why), {"tool", "libfoo-dev", "libfoo1", "python3", "thing-impl", "dpkg-base"})
        self.assertEqual(why["libfoo1"], ["tool", "libfoo-dev", "libfoo1"])

    def test_an_alternative_that_is_not_installed_gives_way_to_the_next(self):
        packages = {k: v for k, v in self.packages.items() if k != "libfoo-dev"}
        why = check_dependencies.dependency_closure(["tool"], packages, self.providers)
        self.assertIn("libfoo-compat-dev", why)

    def test_bare_name(self):
        self.assertEqual(check_dependencies.bare_name(" libc6:any (>= 2.34) "), "libc6")
        self.assertEqual(check_dependencies.bare_name("gcc-12:amd64"), "gcc-12")


if __name__ == "__main__":
    unittest.main(verbosity=2)
