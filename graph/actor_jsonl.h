// The actor dictionary format: one JSON object per line (see data/README.md).
//   {"id":"turkey","kind":"STATE","name":"Turkey","aliases":["Türkiye","Ankara"],
//    "country":"TUR","roles":[{"target":"turkey","kind":"LEADS","title":"President",
//    "from":"2014-08-28","until":""}]}
// Unknown fields are ignored, so the extractor's dictionary may carry more (patterns,
// demonyms). Pure string <-> value conversion. Thread-safe.
#ifndef ACTORGRAPH_GRAPH_ACTOR_JSONL_H_
#define ACTORGRAPH_GRAPH_ACTOR_JSONL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "graph/types.h"

namespace actorgraph {

// Parses one dictionary line. Required: id (a slug) and name. InvalidArgument naming the
// field otherwise.
absl::StatusOr<Actor> ParseActorLine(std::string_view line);

// True when `id` is a valid actor id: 1-128 bytes of [a-z0-9_.-] or UTF-8 letters, no spaces.
bool IsValidActorId(std::string_view id);

// One JSON object, no trailing newline.
std::string ActorToJsonLine(const Actor& a);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_ACTOR_JSONL_H_
