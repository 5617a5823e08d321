// Turns the actor fields of event records (CAMEO country and type codes, ICEWS names,
// sectors and countries) into stable actor ids: the same actor from any row or file gets the
// same id. With a dictionary (data/actors), states map onto its ids by ISO code ("RUS" ->
// "russia") and names onto its actors by name or alias, so imported events join the bundled
// graph. Remembers the actors it had to make up, for --actors-out. Thread-compatible.
#ifndef ACTORGRAPH_TOOLS_IMPORT_ACTOR_MAPPER_H_
#define ACTORGRAPH_TOOLS_IMPORT_ACTOR_MAPPER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "graph/types.h"
#include "tools/import/cameo.h"

namespace actorgraph::import {

// An actor as an observation names it.
struct ActorRef {
  std::string id;       // a valid actor id (IsValidActorId), or "" for no actor
  std::string name;     // display name
  std::string country;  // ISO 3166-1 alpha-3 of its state, or ""
};

// A valid actor id from a display name: Slugify, cut to 128 bytes; "" when nothing is left.
std::string SlugId(std::string_view name);

class ActorMapper {
 public:
  // Loads a dictionary: every *.jsonl under `path`/actors, else under `path`, or the file
  // `path`. NotFound when there is nothing to read; InvalidArgument naming FILE:LINE for a
  // line that is not an actor.
  absl::Status LoadDictionary(const std::string& path);
  // Adds one dictionary actor (LoadDictionary calls this; so can tests).
  void AddDictionaryActor(const Actor& actor);
  size_t dictionary_size() const { return dict_.size(); }

  // The state for a CAMEO country code ("RUS"; legacy codes like "ROM" too): the dictionary
  // state with that ISO code, else a new STATE actor with id "rus". CAMEO region codes
  // ("AFR") give a region actor of kind OTHER with no country.
  ActorRef State(std::string_view cameo_country);
  // The state an ICEWS country name stands for ("Russian Federation"): the dictionary state
  // with that name or alias, else a new STATE actor slugged from the name and with no ISO
  // code (counted in unresolved_countries()). "" gives no actor.
  ActorRef StateNamed(std::string_view country_name);
  // The organ or sector `type` of `state` ("russia-gov", named "Government (Russia)"), with
  // the type's kind and its role in the state (none in a region).
  ActorRef Sector(const ActorRef& state, const ActorType& type);
  // A sector with no CAMEO type ("egypt-protester", "Protester (Egypt)"), kind OTHER.
  ActorRef Sector(const ActorRef& state, std::string_view label);
  // A named actor: the dictionary actor with that id, name or alias, else a new actor slugged
  // from `name` with `kind`, the country of `state` (may be null) and, unless `role` is
  // kUnspecified, that role in `state`. No actor when the name has no letters or digits.
  ActorRef Named(std::string_view name, ActorKind kind, const ActorRef* state, RelationKind role);
  // The dictionary actor with this id, name or alias (ignoring case and punctuation), or
  // nullptr (also when the name is ambiguous).
  const Actor* FindInDictionary(std::string_view name) const;

  // The actors the import made up (none from the dictionary), in id order; each as first
  // seen.
  std::vector<Actor> CreatedActors() const;
  size_t created_count() const { return created_.size(); }
  // ICEWS country names that matched no dictionary state, with how often each was asked for
  // (at most 1000 distinct names are kept).
  const absl::flat_hash_map<std::string, int64_t>& unresolved_countries() const {
    return unresolved_countries_;
  }

 private:
  ActorRef Create(Actor actor);
  static ActorRef RefOf(const Actor& a) { return {a.id, a.name, a.country}; }

  std::vector<Actor> dict_;
  absl::flat_hash_map<std::string, int> by_iso_;     // ISO alpha-3 -> dictionary state
  absl::flat_hash_map<std::string, int> by_name_;    // SlugId(id/name/alias) -> actor, -1 ambiguous
  absl::flat_hash_map<std::string, int> name_rank_;  // 0 id, 1 name, 2 alias: lower wins
  absl::flat_hash_map<std::string, Actor> created_;
  absl::flat_hash_map<std::string, int64_t> unresolved_countries_;
};

}  // namespace actorgraph::import

#endif  // ACTORGRAPH_TOOLS_IMPORT_ACTOR_MAPPER_H_
