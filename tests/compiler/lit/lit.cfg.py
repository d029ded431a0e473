# lit configuration for triton-aot's golden and diagnostic tests.
import os
import lit.formats

config.name = "triton-aot"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tb_binary_dir, "tests", "compiler", "lit")
config.environment["FILECHECK_OPTS"] = "--enable-var-scope"
config.environment["TRITON_AOT_PYTHON"] = config.tb_python
for name in ("HOME", "PATH", "TMPDIR"):
    if name in os.environ:
        config.environment[name] = os.environ[name]
# Each test gets its own cache unless it says otherwise, so results never depend
# on what ran before.
config.substitutions.append(("%triton-aot", config.triton_aot))
config.substitutions.append(("%scenarios", config.scenarios_dir))
config.substitutions.append(("%python", config.tb_python))
config.substitutions.append(("FileCheck", config.filecheck))
config.substitutions.append(("%site_packages", config.site_packages))
