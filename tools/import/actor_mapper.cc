#include "tools/import/actor_mapper.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "graph/actor_jsonl.h"
#include "graph/strings.h"
#include "server/jsonl_file.h"

namespace actorgraph::import {
namespace {

constexpr size_t kMaxUnresolvedNames = 1000;

}  // namespace

std::string SlugId(std::string_view name) {
  std::string id = Slugify(name);
  if (id.size() > 128) {
    size_t cut = 128;
    // Back up to the first byte of a UTF-8 character.
    while (cut > 0 && (static_cast<unsigned char>(id[cut]) & 0xC0) == 0x80) --cut;
    id.resize(cut);
    while (!id.empty() && id.back() == '-') id.pop_back();
  }
  return IsValidActorId(id) ? id : std::string();
}

absl::Status ActorMapper::LoadDictionary(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string where = path;
  if (fs::is_directory(fs::path(path) / "actors", ec)) where = (fs::path(path) / "actors").string();
  if (!fs::exists(where, ec)) return absl::NotFoundError(StrCat(path, ": no such file or folder"));
  std::vector<Actor> actors;
  std::string first_error;
  JsonlReadStats stats;
  absl::Status s = ReadActorsPath(
      where, &actors,
      [&](const std::string& msg) {
        if (first_error.empty()) first_error = msg;
      },
      &stats);
  if (!s.ok()) return absl::Status(s.code(), StrCat(where, ": ", AsStd(s.message())));
  if (!first_error.empty()) return absl::InvalidArgumentError(first_error);
  if (actors.empty()) return absl::NotFoundError(StrCat(where, ": no actors in it"));
  for (const Actor& a : actors) AddDictionaryActor(a);
  return absl::OkStatus();
}

void ActorMapper::AddDictionaryActor(const Actor& actor) {
  const int index = static_cast<int>(dict_.size());
  dict_.push_back(actor);
  const Actor& a = dict_.back();
  if (a.kind == ActorKind::kState && !a.country.empty()) {
    by_iso_.try_emplace(absl::AsciiStrToUpper(a.country), index);
  }
  auto index_name = [&](std::string_view text, int rank) {
    std::string key = SlugId(text);
    if (key.empty()) return;
    auto [it, inserted] = name_rank_.try_emplace(key, rank);
    if (inserted || rank < it->second) {
      it->second = rank;
      by_name_[key] = index;
    } else if (rank == it->second && by_name_[key] != index) {
      // Two actors share this name at the same rank: a state still wins ("Georgia" the
      // state over a person's alias), otherwise the name means nothing certain.
      int& other = by_name_[key];
      const bool mine_state = a.kind == ActorKind::kState;
      const bool other_state = other >= 0 && dict_[other].kind == ActorKind::kState;
      if (mine_state && !other_state) {
        other = index;
      } else if (mine_state == other_state) {
        other = -1;
      }
    }
  };
  index_name(a.id, 0);
  index_name(a.name, 1);
  for (const std::string& alias : a.aliases) index_name(alias, 2);
}

const Actor* ActorMapper::FindInDictionary(std::string_view name) const {
  if (dict_.empty()) return nullptr;
  auto it = by_name_.find(SlugId(name));
  if (it == by_name_.end() || it->second < 0) return nullptr;
  return &dict_[it->second];
}

ActorRef ActorMapper::Create(Actor actor) {
  ActorRef ref{actor.id, actor.name, actor.country};
  created_.try_emplace(actor.id, std::move(actor));
  return ref;
}

ActorRef ActorMapper::State(std::string_view cameo_country) {
  if (std::string_view region = CameoRegionName(cameo_country); !region.empty()) {
    Actor a;
    a.id = SlugId(region);
    a.name = std::string(region);
    a.kind = ActorKind::kOther;
    return Create(std::move(a));
  }
  const std::string iso = IsoFromCameoCountry(cameo_country);
  if (auto it = by_iso_.find(iso); it != by_iso_.end()) return RefOf(dict_[it->second]);
  Actor a;
  a.id = SlugId(iso);
  if (a.id.empty()) return {};
  a.name = iso;
  a.kind = ActorKind::kState;
  a.country = iso;
  return Create(std::move(a));
}

ActorRef ActorMapper::StateNamed(std::string_view country_name) {
  if (const Actor* a = FindInDictionary(country_name);
      a != nullptr && a->kind == ActorKind::kState) {
    return RefOf(*a);
  }
  Actor a;
  a.id = SlugId(country_name);
  if (a.id.empty()) return {};
  a.name = std::string(country_name);
  a.kind = ActorKind::kState;
  auto it = unresolved_countries_.find(a.name);
  if (it != unresolved_countries_.end()) {
    ++it->second;
  } else if (unresolved_countries_.size() < kMaxUnresolvedNames) {
    unresolved_countries_.emplace(a.name, 1);
  }
  return Create(std::move(a));
}

ActorRef ActorMapper::Sector(const ActorRef& state, const ActorType& type) {
  if (state.id.empty()) return {};
  Actor a;
  a.id = StrCat(state.id, "-", absl::AsciiStrToLower(std::string(type.code)));
  a.name = StrCat(type.label, " (", state.name, ")");
  a.kind = type.kind;
  a.country = state.country;
  // A region ("Government (Africa)") is no state to hold a role in.
  auto made = created_.find(state.id);
  const bool region = made != created_.end() && made->second.kind != ActorKind::kState;
  if (type.role != RelationKind::kUnspecified && !region) {
    Role r;
    r.target = state.id;
    r.kind = type.role;
    r.title = std::string(type.label);
    a.roles.push_back(std::move(r));
  }
  return Create(std::move(a));
}

ActorRef ActorMapper::Sector(const ActorRef& state, std::string_view label) {
  std::string suffix = SlugId(label);
  if (state.id.empty() || suffix.empty()) return {};
  Actor a;
  a.id = SlugId(StrCat(state.id, "-", suffix));
  a.name = StrCat(label, " (", state.name, ")");
  a.kind = ActorKind::kOther;
  a.country = state.country;
  return Create(std::move(a));
}

ActorRef ActorMapper::Named(std::string_view name, ActorKind kind, const ActorRef* state,
                            RelationKind role) {
  if (const Actor* a = FindInDictionary(name)) return RefOf(*a);
  Actor a;
  a.id = SlugId(name);
  if (a.id.empty()) return {};
  a.name = std::string(name);
  a.kind = kind;
  if (state != nullptr && !state->id.empty()) {
    a.country = state->country;
    if (role != RelationKind::kUnspecified && state->id != a.id) {
      Role r;
      r.target = state->id;
      r.kind = role;
      a.roles.push_back(std::move(r));
    }
  }
  return Create(std::move(a));
}

std::vector<Actor> ActorMapper::CreatedActors() const {
  std::vector<Actor> out;
  out.reserve(created_.size());
  for (const auto& [id, a] : created_) out.push_back(a);
  std::sort(out.begin(), out.end(), [](const Actor& x, const Actor& y) { return x.id < y.id; });
  return out;
}

}  // namespace actorgraph::import
