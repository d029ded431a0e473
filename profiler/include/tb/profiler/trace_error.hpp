// The error every trace reader and writer throws.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace tb::profiler {

/// A trace could not be read or written. what() is one line:
/// `FILE: byte OFFSET: what was expected` when a byte offset is known, else `FILE: what`.
class trace_error : public std::runtime_error {
 public:
  trace_error(std::string file, std::optional<std::size_t> offset, std::string message);

  const std::string& file() const noexcept { return m_file; }
  /// Byte offset (0-based) into the file where reading failed, if any.
  std::optional<std::size_t> offset() const noexcept { return m_offset; }
  /// The message without the file and offset.
  const std::string& message() const noexcept { return m_message; }

 private:
  std::string m_file;
  std::optional<std::size_t> m_offset;
  std::string m_message;
};

}  // namespace tb::profiler
