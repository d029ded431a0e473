#include "reference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace tb::bench {

namespace sc = tb::scenario;

host_launch::host_launch(const sc::scenario& s, const sc::launch_def& l, std::vector<host_buffer>& buffers)
    : m_scenario(s), m_launch(l), m_buffers(buffers) {}

const sc::launch_arg& host_launch::arg(std::string_view param) const {
  const auto& params = m_scenario.kernels[m_launch.kernel].params;
  for (const auto& a : m_launch.args)
    if (params[a.param].name == param) return a;
  throw std::logic_error(fmt::format("host model asks for argument '{}', which kernel '{}' does not have", param,
                                     m_scenario.kernels[m_launch.kernel].name));
}

double host_launch::scalar(std::string_view param) const { return sc::to_double(arg(param).value); }

std::int64_t host_launch::integer(std::string_view param) const {
  const auto& v = arg(param).value;
  return std::holds_alternative<std::int64_t>(v) ? std::get<std::int64_t>(v) : static_cast<std::int64_t>(std::get<double>(v));
}

std::int64_t host_launch::constexpr_int(std::string_view name) const {
  const auto& variant = m_scenario.kernels[m_launch.kernel].variants[m_launch.variant];
  for (const auto& [key, value] : variant.constexprs)
    if (key == name && std::holds_alternative<std::int64_t>(value)) return std::get<std::int64_t>(value);
  throw std::logic_error(fmt::format("host model asks for integer constexpr '{}', which variant '{}' lacks", name,
                                     variant.name));
}

double host_launch::load(std::string_view param, std::int64_t i) const {
  const auto& a = arg(param);
  return m_buffers[a.buffer].get(a.offset + i);
}

void host_launch::store(std::string_view param, std::int64_t i, double value) {
  const auto& a = arg(param);
  m_buffers[a.buffer].set(a.offset + i, value);
}

namespace {

float f(double v) { return static_cast<float>(v); }

void add_kernel(host_launch& l) {
  const auto n = l.integer("n_elements");
  for (std::int64_t i = 0; i < n; ++i) l.store("out_ptr", i, f(l.load("x_ptr", i)) + f(l.load("y_ptr", i)));
}

void producer_kernel(host_launch& l) {
  const auto n = l.integer("n_elements");
  for (std::int64_t i = 0; i < n; ++i) l.store("dst_ptr", i, f(l.load("src_ptr", i)) * 2.0f + 1.0f);
}

void target_kernel(host_launch& l) {
  const auto n = l.integer("n_elements");
  const float alpha = f(l.scalar("alpha"));
  for (std::int64_t i = 0; i < n; ++i) l.store("out_ptr", i, f(l.load("x_ptr", i)) * alpha + f(l.load("y_ptr", i)));
}

void consumer_kernel(host_launch& l) {
  const auto n = l.integer("n_elements");
  for (std::int64_t i = 0; i < n; ++i) l.store("dst_ptr", i, std::max(f(l.load("src_ptr", i)) - 1.0f, 0.0f));
}

// cluster's scale_kernel (compiled with num_ctas = 2; the math does not see the cluster).
void scale_kernel(host_launch& l) {
  const auto n = l.integer("n_elements");
  for (std::int64_t i = 0; i < n; ++i) l.store("dst_ptr", i, f(l.load("src_ptr", i)) * 3.0f - 0.5f);
}

void scale_shift_kernel(host_launch& l) {
  const auto n = l.integer("n_elements");
  const float scale = f(l.scalar("scale")), shift = f(l.scalar("shift"));
  for (std::int64_t i = 0; i < n; ++i) l.store("out_ptr", i, f(l.load("x_ptr", i)) * scale + shift);
}

void axpby_kernel(host_launch& l) {
  const auto n = l.integer("n_elements");
  const auto start = l.integer("start");
  const float alpha = f(l.scalar("alpha")), beta = f(l.scalar("beta"));
  for (std::int64_t i = start; i < start + n; ++i)
    l.store("out_ptr", i, alpha * f(l.load("x_ptr", i)) + beta * f(l.load("y_ptr", i)));
}

void softmax_kernel(host_launch& l) {
  const auto rows = l.grid_x();
  const auto cols = std::min(l.integer("n_cols"), l.constexpr_int("BLOCK_SIZE"));
  const auto in_stride = l.integer("in_row_stride"), out_stride = l.integer("out_row_stride");
  std::vector<double> row(static_cast<std::size_t>(cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    double max = -INFINITY;
    for (std::int64_t c = 0; c < cols; ++c) max = std::max(max, row[static_cast<std::size_t>(c)] = l.load("in_ptr", r * in_stride + c));
    double sum = 0;
    for (auto& v : row) sum += (v = std::exp(v - max));
    for (std::int64_t c = 0; c < cols; ++c) l.store("out_ptr", r * out_stride + c, row[static_cast<std::size_t>(c)] / sum);
  }
}

void matmul_kernel(host_launch& l) {
  const auto M = l.integer("M"), N = l.integer("N"), K = l.integer("K");
  const auto sam = l.integer("stride_am"), sak = l.integer("stride_ak"), sbk = l.integer("stride_bk"),
             sbn = l.integer("stride_bn"), scm = l.integer("stride_cm"), scn = l.integer("stride_cn");
  // Convert once: the loads below are per element and dtype-dispatched.
  std::vector<float> a(static_cast<std::size_t>(M * K)), bt(static_cast<std::size_t>(N * K));
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t k = 0; k < K; ++k) a[static_cast<std::size_t>(m * K + k)] = f(l.load("a_ptr", m * sam + k * sak));
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t n = 0; n < N; ++n) bt[static_cast<std::size_t>(n * K + k)] = f(l.load("b_ptr", k * sbk + n * sbn));
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t n = 0; n < N; ++n) {
      const float* pa = &a[static_cast<std::size_t>(m * K)];
      const float* pb = &bt[static_cast<std::size_t>(n * K)];
      float acc = 0;
      for (std::int64_t k = 0; k < K; ++k) acc += pa[k] * pb[k];
      l.store("c_ptr", m * scm + n * scn, acc);
    }
}

// many_kernels: op i computes out = f_i(x) (scenarios/many_kernels/kernels.py).
float many_op(int op, float x) {
  switch (op) {
    case 0: return x + 1.0f;
    case 1: return x * 2.0f;
    case 2: return x - 3.0f;
    case 3: return x * x;
    case 4: return std::fabs(x);
    case 5: return std::max(x, 0.0f);
    case 6: return std::min(x, 1.0f);
    case 7: return x * 0.5f + 0.25f;
    case 8: return std::exp(x * 0.01f);
    case 9: return std::sqrt(std::fabs(x) + 1.0f);
    case 10: return 1.0f / (1.0f + std::fabs(x));
    case 11: return x * x * x;
    case 12: return 1.0f / (1.0f + std::exp(-x));
    case 13: return x - std::floor(x);
    case 14: return x > 0.0f ? x : 0.1f * x;
    case 15: return x * 3.0f - 1.0f;
    case 16: return std::cos(x);
    case 17: return std::sin(x);
    case 18: return std::log(std::fabs(x) + 1.0f);
    case 19: return x / 7.0f;
    case 20: return (x + 2.0f) * (x - 2.0f);
    case 21: return std::max(x, -1.0f);
    case 22: return x * 1.5f + 0.5f;
    case 23: return std::exp(-x * x);
    default: return NAN;
  }
}

template <int Op>
void many_kernel(host_launch& l) {
  const auto n = l.integer("n_elements");
  for (std::int64_t i = 0; i < n; ++i) l.store("out_ptr", i, many_op(Op, f(l.load("x_ptr", i))));
}

struct entry {
  std::string_view scenario;
  std::string_view kernel;
  host_kernel fn;
};

template <int... I>
constexpr auto many_entries(std::integer_sequence<int, I...>) {
  constexpr std::string_view names[] = {
      "op_00_kernel", "op_01_kernel", "op_02_kernel", "op_03_kernel", "op_04_kernel", "op_05_kernel",
      "op_06_kernel", "op_07_kernel", "op_08_kernel", "op_09_kernel", "op_10_kernel", "op_11_kernel",
      "op_12_kernel", "op_13_kernel", "op_14_kernel", "op_15_kernel", "op_16_kernel", "op_17_kernel",
      "op_18_kernel", "op_19_kernel", "op_20_kernel", "op_21_kernel", "op_22_kernel", "op_23_kernel"};
  return std::array<entry, sizeof...(I)>{entry{"many_kernels", names[I], &many_kernel<I>}...};
}

const std::vector<entry>& registry() {
  static const std::vector<entry> table = [] {
    std::vector<entry> t = {
        {"vector_add", "add_kernel", &add_kernel},
        {"sandwich", "producer_kernel", &producer_kernel},
        {"sandwich", "target_kernel", &target_kernel},
        {"sandwich", "consumer_kernel", &consumer_kernel},
        // pdl_chain is sandwich's math with gdc_wait/gdc_launch_dependents (its kernels.py).
        {"pdl_chain", "producer_kernel", &producer_kernel},
        {"pdl_chain", "target_kernel", &target_kernel},
        {"pdl_chain", "consumer_kernel", &consumer_kernel},
        {"cluster", "producer_kernel", &producer_kernel},
        {"cluster", "scale_kernel", &scale_kernel},
        {"dynamic_shapes", "scale_shift_kernel", &scale_shift_kernel},
        {"scalar_args", "axpby_kernel", &axpby_kernel},
        {"softmax", "softmax_kernel", &softmax_kernel},
        {"matmul", "matmul_kernel", &matmul_kernel},
    };
    for (const auto& e : many_entries(std::make_integer_sequence<int, 24>{})) t.push_back(e);
    return t;
  }();
  return table;
}

}  // namespace

host_kernel find_host_kernel(std::string_view scenario, std::string_view kernel) noexcept {
  for (const auto& e : registry())
    if (e.scenario == scenario && e.kernel == kernel) return e.fn;
  return nullptr;
}

std::vector<std::string> kernels_without_reference(const sc::scenario& s) {
  std::vector<std::string> missing;
  for (const auto& l : s.launches) {
    const auto& name = s.kernels[l.kernel].name;
    if (!find_host_kernel(s.name, name) && std::find(missing.begin(), missing.end(), name) == missing.end())
      missing.push_back(name);
  }
  return missing;
}

void run_reference(const sc::scenario& s, std::vector<host_buffer>& buffers) {
  for (const auto& l : s.launches) {
    const auto& name = s.kernels[l.kernel].name;
    const host_kernel fn = find_host_kernel(s.name, name);
    if (!fn) throw std::runtime_error(fmt::format("no host reference for kernel '{}' of scenario '{}'", name, s.name));
    host_launch hl(s, l, buffers);
    fn(hl);
  }
}

}  // namespace tb::bench
