// Bridges std::string_view and Debian's abseil, whose absl::string_view is its own type.
#ifndef ACTORGRAPH_TOOLS_EXTRACT_STRINGS_H_
#define ACTORGRAPH_TOOLS_EXTRACT_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace actorgraph::extract {

inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view SV(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace actorgraph::extract

#endif  // ACTORGRAPH_TOOLS_EXTRACT_STRINGS_H_
