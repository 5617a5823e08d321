// libFuzzer target: the relations and actor JSONL readers. Every input line must either parse
// into a valid record that survives a serialise/parse round trip unchanged, or be rejected
// with an InvalidArgument message; nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    auto obs = actorgraph::ParseRelationLine(line);
    if (obs.ok()) {
      auto again = actorgraph::ParseRelationLine(actorgraph::RelationToJsonLine(*obs));
      if (!again.ok() || again->id != obs->id || again->kind != obs->kind ||
          again->source != obs->source || again->target != obs->target ||
          again->date != obs->date) {
        std::abort();  // the writer and the reader disagree
      }
    } else if (obs.status().code() != absl::StatusCode::kInvalidArgument) {
      std::abort();
    }
    auto actor = actorgraph::ParseActorLine(line);
    if (actor.ok()) {
      auto again = actorgraph::ParseActorLine(actorgraph::ActorToJsonLine(*actor));
      if (!again.ok() || again->id != actor->id || again->roles.size() != actor->roles.size()) {
        std::abort();
      }
    }
  }
  return 0;
}
