// Change points of a history series, as the History view marks them: the interface the
// model calls, and the detector this build comes with.
//
// The detector itself is not the viewer's: the results database's change-point detector
// (bench/src/history/change_points.hpp, library tb_change_points) finds them, and
// historychangepoints.cpp adapts it to this interface. The model takes any detector
// (HistoryModel::setChangePointDetector), so tests inject one with known answers.
#pragma once

#include <functional>
#include <vector>

namespace tb::gui {

/// A step in a series: the level changes between values[index - 1] and values[index].
struct ChangePoint {
  int index = 0;               ///< first value of the new level, 1 <= index < values.size()
  double relativeChange = 0;   ///< (new level - old level) / old level, e.g. +0.25 for 25 % slower
  bool operator==(const ChangePoint&) const = default;
};

/// Finds the change points of one mode's medians, oldest run first. An empty function
/// means "no detector": nothing is marked.
using ChangePointDetector = std::function<std::vector<ChangePoint>(const std::vector<double>& values)>;

/// The detector of this build (tb_change_points through the adapter), or an empty
/// function where the adapter is not wired to it.
ChangePointDetector builtinChangePointDetector();

}  // namespace tb::gui
