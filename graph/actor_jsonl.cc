#include "graph/actor_jsonl.h"

#include <nlohmann/json.hpp>

#include "graph/json_object.h"

#include "absl/status/status.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

using nlohmann::json;

absl::Status FieldError(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("field \"", field, "\": ", why));
}

absl::StatusOr<std::string> OptString(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return FieldError(field, "must be a string");
  if (it->get_ref<const std::string&>().size() > 1024) return FieldError(field, "is too long");
  return it->get<std::string>();
}

absl::StatusOr<Day> OptDay(const json& j, const char* field) {
  auto s = OptString(j, field);
  if (!s.ok()) return s.status();
  if (s->empty()) return kNoDate;
  auto d = ParseDay(*s);
  if (!d.ok()) return FieldError(field, std::string(AsStd(d.status().message())));
  return *d;
}

}  // namespace

bool IsValidActorId(std::string_view id) {
  if (id.empty() || id.size() > 128 || !IsValidUtf8(id)) return false;
  for (unsigned char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c >= 0x80;
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<Actor> ParseActorLine(std::string_view line) {
  auto parsed = ParseJsonObject(line);
  if (!parsed.ok()) return parsed.status();
  const json& j = *parsed;
  Actor a;
  auto id = OptString(j, "id");
  if (!id.ok()) return id.status();
  a.id = *id;
  if (a.id.empty()) return FieldError("id", "is missing");
  if (!IsValidActorId(a.id)) {
    return FieldError("id", StrCat("\"", a.id, "\" is not a lower-case slug"));
  }
  auto name = OptString(j, "name");
  if (!name.ok()) return name.status();
  a.name = *name;
  if (a.name.empty()) return FieldError("name", "is missing");
  auto kind = OptString(j, "kind");
  if (!kind.ok()) return kind.status();
  if (!kind->empty()) {
    auto k = ParseActorKind(*kind);
    if (!k) return FieldError("kind", StrCat("unknown actor kind \"", *kind, "\""));
    a.kind = *k;
  }
  auto country = OptString(j, "country");
  if (!country.ok()) return country.status();
  a.country = *country;
  if (auto it = j.find("aliases"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return FieldError("aliases", "must be an array of strings");
    for (const json& x : *it) {
      if (!x.is_string()) return FieldError("aliases", "must be an array of strings");
      a.aliases.push_back(x.get<std::string>());
    }
  }
  if (auto it = j.find("roles"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return FieldError("roles", "must be an array of objects");
    for (const json& r : *it) {
      if (!r.is_object()) return FieldError("roles", "must be an array of objects");
      Role role;
      auto target = OptString(r, "target");
      if (!target.ok()) return target.status();
      if (!IsValidActorId(*target)) return FieldError("roles.target", "must be an actor id");
      role.target = *target;
      auto rk = OptString(r, "kind");
      if (!rk.ok()) return rk.status();
      if (!rk->empty()) {
        auto k = ParseRelationKind(*rk);
        if (!k || (*k != RelationKind::kLeads && *k != RelationKind::kMemberOf)) {
          return FieldError("roles.kind", "must be LEADS or MEMBER_OF");
        }
        role.kind = *k;
      }
      auto title = OptString(r, "title");
      if (!title.ok()) return title.status();
      role.title = *title;
      auto from = OptDay(r, "from");
      if (!from.ok()) return from.status();
      auto until = OptDay(r, "until");
      if (!until.ok()) return until.status();
      role.from = *from;
      role.until = *until;
      a.roles.push_back(std::move(role));
    }
  }
  return a;
}

std::string ActorToJsonLine(const Actor& a) {
  json j = json::object();
  j["id"] = a.id;
  j["kind"] = std::string(ActorKindName(a.kind));
  j["name"] = a.name;
  j["aliases"] = a.aliases;
  j["country"] = a.country;
  json roles = json::array();
  for (const Role& r : a.roles) {
    roles.push_back({{"target", r.target},
                     {"kind", std::string(RelationKindName(r.kind))},
                     {"title", r.title},
                     {"from", FormatDay(r.from)},
                     {"until", FormatDay(r.until)}});
  }
  j["roles"] = roles;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace actorgraph
