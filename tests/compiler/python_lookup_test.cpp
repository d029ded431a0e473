// Which Python the tools run Triton with (tb/support/python_lookup.hpp): the rule's
// order, what an explicit choice that lacks Triton does, and the one-line error.
#include <tb/support/python_lookup.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace tb::support;

namespace {

// Interpreters by path, with what each has installed.
struct fake_pythons {
  std::map<std::string, std::map<std::string, std::string>> installed;
  std::vector<std::string> asked;
  python_probe probe() {
    return [this](const fs::path& python, const std::vector<std::string>& names) {
      asked.push_back(python.string());
      python_probe_result r;
      const auto it = installed.find(python.string());
      if (it == installed.end()) {
        r.error = "No such file or directory";
        return r;
      }
      r.ran = true;
      for (const auto& n : names) r.versions[n] = it->second.contains(n) ? it->second.at(n) : "";
      return r;
    };
  }
};

// A folder with an executable python3 in it.
fs::path bin_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tb-lookup-" + std::to_string(::getpid())) / name;
  fs::create_directories(dir);
  std::ofstream(dir / "python3") << "#!/bin/sh\n";
  fs::permissions(dir / "python3", fs::perms::owner_all);
  return dir;
}

python_request request(std::string option = "") {
  python_request r;
  r.option_value = std::move(option);
  r.env_var = "TB_TEST_PYTHON_VAR";
  r.triton_version = "3.6.0";
  return r;
}

struct PythonLookup : ::testing::Test {
  void SetUp() override { ::unsetenv("TB_TEST_PYTHON_VAR"); }
  void TearDown() override {
    ::unsetenv("TB_TEST_PYTHON_VAR");
    fs::remove_all(fs::temp_directory_path() / ("tb-lookup-" + std::to_string(::getpid())));
  }
};

}  // namespace

TEST_F(PythonLookup, TheOptionComesFirstAndIsNotSecondGuessed) {
  fake_pythons f;
  f.installed["/opt/py/bin/python3"] = {{"triton", "3.6.0"}};
  ::setenv("TB_TEST_PYTHON_VAR", "/elsewhere/python3", 1);
  const auto chosen = find_python(request("/opt/py/bin/python3"), "", f.probe());
  EXPECT_EQ(chosen.python, "/opt/py/bin/python3");
  EXPECT_EQ(chosen.triton_version, "3.6.0");
  EXPECT_EQ(chosen.chosen_by, "--python");
  EXPECT_EQ(f.asked, std::vector<std::string>{"/opt/py/bin/python3"});
}

TEST_F(PythonLookup, AnExplicitPythonWithoutTritonIsAnErrorNotAFallback) {
  fake_pythons f;
  f.installed["/usr/bin/python3"] = {};
  const fs::path good = bin_dir("good");
  f.installed[(good / "python3").string()] = {{"triton", "3.6.0"}};
  try {
    find_python(request("/usr/bin/python3"), good.string(), f.probe());
    FAIL() << "no error";
  } catch (const python_not_found& e) {
    EXPECT_STREQ(e.what(), "--python /usr/bin/python3: no Triton (needs Triton 3.6.0)");
  }
  ::setenv("TB_TEST_PYTHON_VAR", "/usr/bin/python3", 1);
  try {
    find_python(request(), good.string(), f.probe());
    FAIL() << "no error";
  } catch (const python_not_found& e) {
    EXPECT_STREQ(e.what(), "$TB_TEST_PYTHON_VAR=/usr/bin/python3: no Triton (needs Triton 3.6.0)");
  }
}

TEST_F(PythonLookup, TheEnvironmentVariableComesBeforePath) {
  fake_pythons f;
  const fs::path on_path = bin_dir("on-path");
  f.installed[(on_path / "python3").string()] = {{"triton", "3.6.0"}};
  f.installed["/env/python3"] = {{"triton", "3.6.0"}};
  ::setenv("TB_TEST_PYTHON_VAR", "/env/python3", 1);
  const auto chosen = find_python(request(), on_path.string(), f.probe());
  EXPECT_EQ(chosen.python, "/env/python3");
  EXPECT_EQ(chosen.chosen_by, "$TB_TEST_PYTHON_VAR");
}

TEST_F(PythonLookup, PathGivesTheFirstPythonWithThePinnedTritonAndWhatElseIsNeeded) {
  fake_pythons f;
  const fs::path none = bin_dir("none"), old = bin_dir("old"), no_torch = bin_dir("no-torch"), good = bin_dir("good"),
                 later = bin_dir("later");
  f.installed[(none / "python3").string()] = {};
  f.installed[(old / "python3").string()] = {{"triton", "3.5.1"}, {"torch", "2.9.0"}};
  f.installed[(no_torch / "python3").string()] = {{"triton", "3.6.0"}};
  f.installed[(good / "python3").string()] = {{"triton", "3.6.0"}, {"torch", "2.11.0"}};
  f.installed[(later / "python3").string()] = {{"triton", "3.6.0"}, {"torch", "2.11.0"}};
  python_request r = request();
  r.also_needs = {"torch"};
  const std::string path = none.string() + ":relative/bin::" + old.string() + ":" + no_torch.string() + ":" +
                           good.string() + ":" + later.string();
  const auto chosen = find_python(r, path, f.probe());
  EXPECT_EQ(chosen.python, good / "python3");
  EXPECT_EQ(chosen.chosen_by, "PATH");
  EXPECT_EQ(f.asked.size(), 4u);  // not the relative entry, not the one after
}

TEST_F(PythonLookup, NoneFoundIsOneLineListingEachTryAndWhy) {
  fake_pythons f;
  const fs::path a = bin_dir("a"), b = bin_dir("b"), missing = bin_dir("missing");
  f.installed[(a / "python3").string()] = {};
  f.installed[(b / "python3").string()] = {{"triton", "3.5.1"}};
  try {
    find_python(request(), a.string() + ":" + b.string() + ":" + missing.string(), f.probe());
    FAIL() << "no error";
  } catch (const python_not_found& e) {
    const std::string m = e.what();
    EXPECT_EQ(m, "no Python with Triton 3.6.0: --python not given, $TB_TEST_PYTHON_VAR not set, PATH has " +
                     (a / "python3").string() + " (no Triton), " + (b / "python3").string() + " (Triton 3.5.1, not 3.6.0), " +
                     (missing / "python3").string() + " (No such file or directory)");
    EXPECT_EQ(m.find('\n'), std::string::npos);
  }
  try {
    find_python(request(), "", f.probe());
    FAIL() << "no error";
  } catch (const python_not_found& e) {
    EXPECT_STREQ(e.what(), "no Python with Triton 3.6.0: --python not given, $TB_TEST_PYTHON_VAR not set, PATH has no python3");
  }
}

TEST_F(PythonLookup, CandidatesSkipMissingAndNonExecutableAndTheSameFolderTwice) {
  const fs::path a = bin_dir("a"), plain = bin_dir("plain");
  fs::permissions(plain / "python3", fs::perms::owner_read | fs::perms::owner_write);
  const fs::path link = a.parent_path() / "link-to-a";
  fs::create_directory_symlink(a, link);
  const auto found = python_candidates(plain.string() + ":" + a.string() + ":/nonexistent:" + link.string() + ":" +
                                       a.string());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], a / "python3");
}

TEST_F(PythonLookup, TheRealProbeReadsAVenvWithoutStartingItAndRunsOtherPythons) {
  // A venv's interpreter that cannot run: its dist-info folders answer alone.
  const fs::path venv = fs::temp_directory_path() / ("tb-lookup-" + std::to_string(::getpid())) / "venv";
  fs::create_directories(venv / "bin");
  fs::create_directories(venv / "lib" / "python3.11" / "site-packages" / "triton-3.6.0.dist-info");
  std::ofstream(venv / "pyvenv.cfg") << "home = /nowhere\n";
  std::ofstream(venv / "bin" / "python3") << "#!/bin/sh\nexit 9\n";
  fs::permissions(venv / "bin" / "python3", fs::perms::owner_all);
  const auto r = probe_python(venv / "bin" / "python3", {"triton"});
  EXPECT_TRUE(r.ran) << r.error;
  EXPECT_EQ(r.versions.at("triton"), "3.6.0");
  // Not all there: it is started, and its failure is the reason.
  const auto started = probe_python(venv / "bin" / "python3", {"triton", "torch"});
  EXPECT_FALSE(started.ran);
  EXPECT_EQ(started.error, "exit 9");
  const auto absent = probe_python("/nonexistent/python3", {"triton"});
  EXPECT_FALSE(absent.ran);
  EXPECT_FALSE(absent.error.empty());
}
