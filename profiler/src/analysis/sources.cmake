# The analysis' sources, relative to profiler/: tb_profiler and the fuzz targets
# (tests/profiler, tests/bench) compile the same list.
set(TB_PROFILER_ANALYSIS_SOURCES
  src/analysis/statistics.cpp
  src/analysis/names.cpp
  src/analysis/target.cpp
  src/analysis/context.cpp
  src/analysis/kernel_times.cpp
  src/analysis/gaps.cpp
  src/analysis/launch_api.cpp
  src/analysis/dispatch.cpp
  src/analysis/module_loads.cpp
  src/analysis/gpu_busy.cpp
  src/analysis/kernel_stats.cpp
  src/analysis/kernel_stats_table.cpp
  src/analysis/range_stats.cpp
  src/analysis/analysis.cpp
  src/analysis/summary_json.cpp
  src/analysis/table.cpp
)
