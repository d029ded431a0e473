// The adapter between the History view and the results database's change-point detector
// (bench/src/history/change_points.hpp, library tb_change_points): the same steps that
// `triton-bench history` marks.
#include "historychangepoints.hpp"

#include "history/change_points.hpp"

namespace tb::gui {

ChangePointDetector builtinChangePointDetector() {
  return [](const std::vector<double>& values) {
    std::vector<ChangePoint> out;
    for (const auto& c : tb::bench::find_change_points(values))
      out.push_back({static_cast<int>(c.index), c.relative});
    return out;
  };
}

}  // namespace tb::gui
