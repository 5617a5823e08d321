#include "tools/cli/text_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace actorgraph::cli {

size_t DisplayWidth(std::string_view utf8) {
  size_t width = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++width;  // count lead bytes, skip continuation bytes
  }
  return width;
}

std::string Fixed(double value, int decimals, bool plus) {
  if (std::abs(value) < 0.5 * std::pow(10.0, -decimals)) value = 0;  // no "-0.00"
  char buf[64];
  std::snprintf(buf, sizeof buf, plus && value > 0 ? "%+.*f" : "%.*f", decimals, value);
  return buf;
}

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> numeric)
    : header_(std::move(header)), numeric_(std::move(numeric)) {
  numeric_.resize(header_.size(), false);
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render(std::string_view indent) const {
  std::vector<size_t> width(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);

  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string text(indent);
    for (size_t i = 0; i < row.size(); ++i) {
      const bool last = i + 1 == row.size();
      const size_t pad = width[i] - DisplayWidth(row[i]);
      if (numeric_[i]) text.append(pad, ' ');
      text += row[i];
      if (!numeric_[i] && !last) text.append(pad, ' ');
      if (!last) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  line(header_);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  if (!rule.empty()) rule.back() = std::string(DisplayWidth(header_.back()), '-');  // unpadded
  line(rule);
  for (const auto& row : rows_) line(row);
  return out;
}

std::string SignedBar(double value, double max_abs, int half) {
  int n = 0;
  if (max_abs > 0 && std::isfinite(value)) {
    n = static_cast<int>(std::lround(std::min(1.0, std::abs(value) / max_abs) * half));
    if (n == 0 && value != 0) n = 1;  // a non-zero value is always visible
  }
  std::string left(half, ' '), right(half, ' ');
  if (value < 0) std::fill(left.end() - n, left.end(), '-');
  if (value > 0) std::fill(right.begin(), right.begin() + n, '+');
  return left + "|" + right;
}

std::string Sparkline(const std::vector<double>& values, const std::vector<bool>& empty) {
  static const char* kLevels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  double lo = 0, hi = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i < empty.size() && empty[i]) continue;
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i < empty.size() && empty[i]) {
      out += "·";
      continue;
    }
    int level = hi > lo ? static_cast<int>(std::lround((values[i] - lo) / (hi - lo) * 7)) : 0;
    out += kLevels[std::clamp(level, 0, 7)];
  }
  return out;
}

}  // namespace actorgraph::cli
