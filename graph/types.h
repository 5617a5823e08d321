// Domain vocabulary shared by every part of actorgraph: actors, relation kinds, dates and
// relation observations. Pure values; no I/O. Thread-compatible (no shared state).
#ifndef ACTORGRAPH_GRAPH_TYPES_H_
#define ACTORGRAPH_GRAPH_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/text.h"

namespace actorgraph {

// What an actor is. Values match proto actorgraph.v1.ActorKind.
enum class ActorKind : int {
  kUnspecified = 0,
  kState = 1,
  kGovernment = 2,
  kPerson = 3,
  kArmedGroup = 4,
  kParty = 5,
  kIgo = 6,
  kNgo = 7,
  kOther = 8,
};

// The v1 relation kinds of DESIGN.md. Values match proto actorgraph.v1.RelationKind.
enum class RelationKind : int {
  kUnspecified = 0,
  kSupport = 1,
  kAid = 2,
  kCooperate = 3,
  kMeet = 4,
  kMediate = 5,
  kCriticize = 6,
  kReject = 7,
  kThreaten = 8,
  kSanction = 9,
  kFight = 10,
  kLeads = 11,
  kMemberOf = 12,
};
inline constexpr int kNumRelationKinds = 13;

// Static facts about one relation kind.
struct KindInfo {
  RelationKind kind;
  std::string_view name;        // "SUPPORT", as in the JSONL and the proto enum suffix
  int sign;                     // +1, -1, or 0 for the structural kinds
  double default_weight;        // Goldstein-scale intensity
  std::string_view cameo_root;  // the CAMEO code used when nothing more specific is known
};

// Facts for `kind`; kUnspecified yields a zero entry.
const KindInfo& Info(RelationKind kind);
// "SUPPORT" (any case) -> kSupport; nullopt for unknown names.
std::optional<RelationKind> ParseRelationKind(std::string_view name);
std::string_view RelationKindName(RelationKind kind);
// "STATE" (any case) -> kState; nullopt for unknown names.
std::optional<ActorKind> ParseActorKind(std::string_view name);
std::string_view ActorKindName(ActorKind kind);

// A calendar day as days since 1970-01-01. kNoDate means "unknown".
using Day = int32_t;
inline constexpr Day kNoDate = INT32_MIN;
// Parses "YYYY-MM-DD" (a real calendar date); InvalidArgument otherwise.
absl::StatusOr<Day> ParseDay(std::string_view text);
// "YYYY-MM-DD", or "" for kNoDate.
std::string FormatDay(Day day);
Day DayFromCivil(int year, unsigned month, unsigned day);
// The inverse of DayFromCivil (proleptic Gregorian). `day` must not be kNoDate.
void CivilFromDay(Day day, int& year, unsigned& month, unsigned& day_of_month);

// A dated role of an actor: `actor` LEADS or is MEMBER_OF `target` between from and until.
struct Role {
  std::string target;  // actor id of the state/group led or joined
  RelationKind kind = RelationKind::kLeads;
  std::string title;    // "President", "Foreign Minister"; may be empty
  Day from = kNoDate;   // kNoDate: since always
  Day until = kNoDate;  // kNoDate: still holds
  // True when the role holds on `day` (an unknown day matches any role).
  bool HoldsOn(Day day) const;
};

struct Actor {
  std::string id;  // stable lower-case slug: "russia", "gna"
  ActorKind kind = ActorKind::kOther;
  std::string name;  // display name
  std::vector<std::string> aliases;
  std::string country;  // ISO 3166-1 alpha-3, may be empty
  std::vector<Role> roles;
};

// Where an observation was read.
struct Evidence {
  Text doc;  // document id
  Text url;
  Text sentence;
  int32_t begin = -1;  // character span of the sentence in the document, -1 if unknown
  int32_t end = -1;
  // The row of the server's store that holds this observation, when its sentence was left
  // on disk (`sentence` is then empty and the server reads it per response); 0 = none.
  int64_t stored_row = 0;
};

// One extracted event: an immutable, dated, signed relation with its evidence. The string
// fields are Text: 8 bytes each, and equal values share their bytes inside an ActorGraph.
struct Observation {
  Text id;      // deterministic, see ObservationId
  Text source;  // actor ids
  Text target;
  Text source_name;  // display names as read (used to create unknown actors)
  Text target_name;
  Text source_country;
  Text target_country;
  RelationKind kind = RelationKind::kUnspecified;
  int sign = 0;
  double weight = 0;
  double confidence = 1.0;
  Text cameo;
  Day date = kNoDate;
  Evidence evidence;
};

// Deterministic id: a hex hash of document, span, source, target and kind, so a re-ingest of
// the same observation is idempotent.
std::string ObservationId(std::string_view doc, int32_t begin, int32_t end, std::string_view source,
                          std::string_view target, RelationKind kind);

// Lower-case ASCII slug of a display name: "Khalifa Haftar" -> "khalifa-haftar". Non-ASCII
// letters are kept as UTF-8; an all-punctuation name yields "".
std::string Slugify(std::string_view name);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_TYPES_H_
