#include <tb/support/run_process.hpp>

#include <optional>

namespace tb::support {

process_result run_process(const std::vector<std::string>& argv, const env_changes& env, std::string_view stdin_text,
                           const std::function<void(std::string_view line)>& on_stdout_line) {
  process_result result;
  std::optional<child_process> child;
  try {
    child.emplace(argv, env, child_stderr::keep);
  } catch (const spawn_error& e) {
    result.error = e.program() + ": " + e.reason();
    return result;
  }
  result.started = true;
  try {
    child->write(stdin_text);
  } catch (const std::runtime_error&) {
    // It stopped reading its input: its exit status and stderr tell why.
  }
  child->close_stdin();
  while (const auto line = child->read_line()) on_stdout_line(*line);
  result.exit_code = child->wait();
  result.stderr_text = child->stderr_text();
  return result;
}

}  // namespace tb::support
