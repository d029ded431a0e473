#include "output_check.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace tb::bench {

namespace {

bool same_bits(const host_buffer& a, const host_buffer& b, std::int64_t i, std::size_t element_size) {
  const std::size_t at = static_cast<std::size_t>(i) * element_size;
  return std::memcmp(a.bytes.data() + at, b.bytes.data() + at, element_size) == 0;
}

bool within(double got, double want, const tolerance& t) {
  if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want);
  if (got == want) return true;  // equal infinities too
  return std::fabs(got - want) <= t.atol + t.rtol * std::fabs(want);
}

// A mismatch's distance for choosing the worst: NaN or infinite errors rank highest.
double badness(double got, double want) {
  const double e = std::fabs(got - want);
  return std::isfinite(e) ? e : std::numeric_limits<double>::infinity();
}

std::string describe(const worst_element& w, std::size_t mismatches, std::size_t elements,
                     const std::optional<tolerance>& tol) {
  std::string out = fmt::format("buffer '{}'[{}]: got {}, expected {} (|error| {:.3g}", w.buffer, w.index, w.got,
                                w.expected, w.abs_error);
  out += tol ? fmt::format(" > atol {} + rtol {} * |expected|)", tol->atol, tol->rtol) : std::string(", not bit-exact)");
  out += fmt::format("; {} of {} elements differ", mismatches, elements);
  return out;
}

}  // namespace

output_comparison compare_outputs(const std::vector<host_buffer>& got, const std::vector<host_buffer>& want,
                                  std::optional<tolerance> tol) {
  output_comparison r;
  if (got.size() != want.size()) {
    r.ok = false;
    r.message = fmt::format("{} buffers read back, {} expected", got.size(), want.size());
    return r;
  }
  double worst_badness = -1;
  for (std::size_t b = 0; b < want.size(); ++b) {
    const host_buffer& g = got[b];
    const host_buffer& w = want[b];
    ++r.buffers;
    if (g.bytes.size() != w.bytes.size() || g.dtype != w.dtype) {
      r.ok = false;
      r.message = fmt::format("buffer '{}': {} bytes of {} read back, {} bytes of {} expected", w.name, g.bytes.size(),
                              g.dtype, w.bytes.size(), w.dtype);
      return r;
    }
    const std::size_t es = tb::scenario::dtype_size(w.dtype);
    for (std::int64_t i = 0; i < w.size; ++i) {
      ++r.elements;
      const double gv = g.get(i), wv = w.get(i);
      const double err = std::fabs(gv - wv);
      if (std::isfinite(err) && err > r.max_abs_error) r.max_abs_error = err;
      const bool ok = tol ? within(gv, wv, *tol) : same_bits(g, w, i, es);
      if (ok) continue;
      ++r.mismatches;
      r.ok = false;
      if (const double bad = badness(gv, wv); bad > worst_badness) {
        worst_badness = bad;
        r.worst = worst_element{w.name, i, gv, wv, err};
      }
    }
  }
  if (r.ok)
    r.message = fmt::format("{} buffer{}, {} elements, {}", r.buffers, r.buffers == 1 ? "" : "s", r.elements,
                            tol ? fmt::format("within rtol {} atol {} (max |error| {:.3g})", tol->rtol, tol->atol,
                                              r.max_abs_error)
                                : std::string("bit-exact"));
  else
    r.message = describe(*r.worst, r.mismatches, r.elements, tol);
  return r;
}

}  // namespace tb::bench
