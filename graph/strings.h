// StrCat for std::string_view. Debian's abseil is built with its own absl::string_view
// (ABSL_OPTION_USE_STD_STRING_VIEW=0), so absl::StrCat does not accept std::string_view;
// this small variant accepts strings, string views (std and absl), chars and numbers.
#ifndef ACTORGRAPH_GRAPH_STRINGS_H_
#define ACTORGRAPH_GRAPH_STRINGS_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace actorgraph {
namespace strings_internal {

inline void Append(std::string& out, std::string_view v) { out.append(v); }
inline void Append(std::string& out, const std::string& v) { out.append(v); }
inline void Append(std::string& out, const char* v) { out.append(v ? v : ""); }
inline void Append(std::string& out, char v) { out.push_back(v); }
inline void Append(std::string& out, absl::string_view v) { out.append(v.data(), v.size()); }
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
void Append(std::string& out, T v) {
  if constexpr (std::is_floating_point_v<T>) {
    std::string s = std::to_string(v);
    // Trim "3.500000" to "3.5".
    if (s.find('.') != std::string::npos) {
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
    out.append(s);
  } else if constexpr (std::is_same_v<T, bool>) {
    out.append(v ? "true" : "false");
  } else {
    out.append(std::to_string(v));
  }
}

}  // namespace strings_internal

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (strings_internal::Append(out, args), ...);
  return out;
}

// absl::string_view (from absl::Status::message()) as std::string_view.
inline std::string_view AsStd(absl::string_view v) { return {v.data(), v.size()}; }

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_STRINGS_H_
