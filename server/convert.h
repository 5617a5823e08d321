// All conversions between the wire (actorgraph.v1 protos) and the domain (graph/) live
// here, so handlers stay thin and there is one place that validates wire input.
// Validation errors are InvalidArgument whose message starts with the field path
// ("relations[3].kind: ..."). Thread-safe (pure functions).
#ifndef ACTORGRAPH_SERVER_CONVERT_H_
#define ACTORGRAPH_SERVER_CONVERT_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "actorgraph/v1/actorgraph.pb.h"
#include "graph/actor_graph.h"
#include "graph/types.h"

namespace actorgraph {

void ToProto(const Actor& a, int64_t observation_count, v1::Actor* out);
// An observation whose sentence was left on disk (evidence.stored_row) gets it from the
// thread's SentenceSource; without one, its sentence stays empty.
void ToProto(const Observation& o, v1::Relation* out);

// Reads the sentence of a stored observation row ("" when it is gone).
using SentenceReader = std::function<std::string(int64_t row)>;
// Installs `reader` as this thread's source of on-disk sentences for ToProto while it lives
// (the server opens one per call). Not copyable; nests.
class SentenceSource {
 public:
  explicit SentenceSource(const SentenceReader* reader);
  ~SentenceSource();
  SentenceSource(const SentenceSource&) = delete;
  SentenceSource& operator=(const SentenceSource&) = delete;

 private:
  const SentenceReader* previous_;
};
void ToProto(const PathEdge& e, v1::Edge* out);
void ToProto(const FoundPath& p, v1::Path* out);

// Where a message sits in a request, e.g. "relations[3]": spelled out only for an error, so
// that converting a valid batch formats nothing per message.
struct FieldPath {
  FieldPath(const char* name) : name(name) {}       // NOLINT(google-explicit-constructor)
  FieldPath(std::string_view name) : name(name) {}  // NOLINT(google-explicit-constructor)
  FieldPath(std::string_view list, int index) : name(list), index(index) {}
  // "name.sub", or "list[index].sub".
  std::string Sub(std::string_view sub) const;
  std::string_view name;
  int index = -1;
};

// Whether FromProto checks that strings are UTF-8. A message protobuf parsed is already
// checked: parsing refuses a proto3 string field that is not (convert_test pins this down),
// and the second pass was ~2 % of an ingested observation's CPU.
enum class Utf8 { kCheck, kParsed };
// Validates and completes a wire relation (defaults from its kind, id computed when empty).
// `field` names it in errors, e.g. "relations[3]". With `views`, the actor ids, names,
// countries and CAMEO code are left empty and set in *views instead, pointing into `r` (or
// at constants), for ActorGraph::PrepareObservations to fill in while `r` lives: the graph
// nearly always has them already, and a copy made here would be thrown away.
absl::StatusOr<Observation> FromProto(const v1::Relation& r, FieldPath field,
                                      Utf8 utf8 = Utf8::kCheck,
                                      ActorGraph::FieldViews* views = nullptr);
// Validates a wire actor (id slug, name, enums, role dates).
absl::StatusOr<Actor> FromProto(const v1::Actor& a, std::string_view field);
// Validates a filter (known kinds, sign, dates, since <= until).
absl::StatusOr<RelationFilter> FromProto(const v1::RelationFilter& f, std::string_view field);

// "" -> kNoDate; a bad date is InvalidArgument naming `field`.
absl::StatusOr<Day> ParseOptionalDay(const std::string& text, std::string_view field);

// Checks a free-text request string: valid UTF-8, at most `max_bytes`, and (if `required`)
// not empty. InvalidArgument naming `field` otherwise.
absl::Status CheckText(std::string_view value, std::string_view field, size_t max_bytes,
                       bool required);

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_CONVERT_H_
