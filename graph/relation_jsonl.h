// The relations JSONL interchange format (DESIGN.md): one JSON object per line.
// Pure string <-> value conversion; callers do the file I/O. Thread-safe (no shared state).
#ifndef ACTORGRAPH_GRAPH_RELATION_JSONL_H_
#define ACTORGRAPH_GRAPH_RELATION_JSONL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "graph/types.h"

namespace actorgraph {

// Parses one JSONL line into a validated Observation. Required: `source` or `source_name`,
// `target` or `target_name`, `kind`. Missing ids are slugified from the names; missing sign,
// weight and cameo default from the kind; a missing `id` is computed with ObservationId.
// Returns InvalidArgument naming the offending field (or "not JSON: ...").
absl::StatusOr<Observation> ParseRelationLine(std::string_view line);

// Serialises `obs` as one JSON object without a trailing newline (DESIGN.md field names).
// Keys in alphabetical order, `span` only when known; bytes that are not UTF-8 become U+FFFD,
// one per byte.
std::string RelationToJsonLine(const Observation& obs);
// RelationToJsonLine appended to `out`, for writers of many lines (no allocation per line).
void AppendRelationJson(const Observation& obs, std::string& out);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_RELATION_JSONL_H_
