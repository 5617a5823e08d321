// Plain-text rendering for the CLI: aligned tables, signed bars and sparklines.
// Pure functions over strings; thread-compatible (no shared state).
#ifndef ACTORGRAPH_TOOLS_CLI_TEXT_TABLE_H_
#define ACTORGRAPH_TOOLS_CLI_TEXT_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

namespace actorgraph::cli {

// Columns on a terminal: UTF-8 code points, not bytes ("Erdoğan" is 7 wide).
size_t DisplayWidth(std::string_view utf8);

// `value` with `decimals` digits after the point; a leading '+' on positive values when
// `plus` ("+3.50"), so friendly and hostile scores read apart at a glance.
std::string Fixed(double value, int decimals = 2, bool plus = false);

// A table whose columns are padded to their widest cell. Columns marked numeric are
// right-aligned. The last column is never padded, so long text there does not widen others.
class TextTable {
 public:
  // `numeric[i]` right-aligns column i; missing entries mean left-aligned.
  explicit TextTable(std::vector<std::string> header, std::vector<bool> numeric = {});
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // The header, a rule of dashes and the rows, each line prefixed by `indent`.
  std::string Render(std::string_view indent = "  ") const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> numeric_;
  std::vector<std::vector<std::string>> rows_;
};

// A bar of width 2*half+1 centred on '|': '-' to the left for negative values, '+' to the
// right for positive ones, scaled so |value| == max_abs fills one half. "    --|      ".
std::string SignedBar(double value, double max_abs, int half = 8);

// One character per value from "▁▂▃▄▅▆▇█", scaled between min(values, 0) and
// max(values, 0); values flagged in `empty` (same length, or none) print as '·' and do not
// count towards the scale.
std::string Sparkline(const std::vector<double>& values, const std::vector<bool>& empty = {});

}  // namespace actorgraph::cli

#endif  // ACTORGRAPH_TOOLS_CLI_TEXT_TABLE_H_
