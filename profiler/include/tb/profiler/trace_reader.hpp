// Reads Chrome Trace Event JSON: traces written by trace_writer.hpp (losslessly) and
// PyTorch profiler (Kineto) traces, in the object form or as a bare array.
#pragma once

#include <tb/profiler/trace.hpp>
#include <tb/profiler/trace_error.hpp>

#include <filesystem>
#include <string_view>

namespace tb::profiler {

/// Parses a whole file. Throws trace_error (`FILE: byte OFFSET: what was expected`) when
/// the file cannot be read, is not JSON, is truncated, or holds values of the wrong type.
trace read_chrome_trace_file(const std::filesystem::path& path);

/// Parses text already in memory; `source_name` stands for the file in error messages.
trace parse_chrome_trace(std::string_view text, std::string_view source_name = "<memory>");

/// Parses `text` ("12.345", "1.5e3", "-7") as microseconds and returns exact nanoseconds,
/// rounded half away from zero below one nanosecond. nullopt when not a JSON number or out
/// of range (|t| >= 2^62 ns).
std::optional<std::int64_t> parse_us_as_ns(std::string_view text) noexcept;

}  // namespace tb::profiler
