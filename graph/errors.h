// The error messages graph/ returns, in one place so every query words them alike: an
// InvalidArgument names the field, a NotFound names the actor. Thread-safe.
#ifndef ACTORGRAPH_GRAPH_ERRORS_H_
#define ACTORGRAPH_GRAPH_ERRORS_H_

#include <string_view>

#include "absl/status/status.h"
#include "graph/strings.h"

namespace actorgraph {

// InvalidArgument: field "<field>": <why>.
inline absl::Status FieldError(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("field \"", field, "\": ", why));
}

// OK when lo <= value <= hi, else a FieldError saying so.
inline absl::Status CheckRange(std::string_view field, int value, int lo, int hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return FieldError(field, StrCat("must lie in [", lo, ", ", hi, "]"));
}

// NotFound: actor "<id>" not found.
inline absl::Status ActorNotFound(std::string_view id) {
  return absl::NotFoundError(StrCat("actor \"", id, "\" not found"));
}

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_ERRORS_H_
