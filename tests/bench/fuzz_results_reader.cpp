// libFuzzer target: the results reader (JSON, then validate_results_json, then
// results_from_json) must reject bad input with an error, never crash; what the validator
// passes, results_from_json must read (no raw nlohmann error), and what it reads must
// be written and read back.
#include "results_json.hpp"
#include "results_validate.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  const bool valid = tb::bench::validate_results_json(j).empty();
  tb::bench::results r;
  try {
    r = tb::bench::results_from_json(j);
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "results_from_json: a raw nlohmann error (validator: %s): %s\n", valid ? "valid" : "invalid",
                 e.what());
    std::abort();
  } catch (const std::runtime_error&) {
    if (valid) {
      std::fprintf(stderr, "results_from_json rejected what the validator passed\n");
      std::abort();
    }
    return 0;
  }
  (void)tb::bench::results_from_json(tb::bench::to_json(r));
  return 0;
}
