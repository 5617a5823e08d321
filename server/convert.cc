#include "server/convert.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "graph/strings.h"
#include "graph/actor_jsonl.h"

namespace actorgraph {
namespace {

absl::Status Bad(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(StrCat(field, ": ", why));
}

thread_local const SentenceReader* t_sentence_reader = nullptr;

// IsValidUtf8 with a fast path for ASCII, eight bytes at a time: nearly every ingested
// string is ASCII, and the byte-wise check was a visible share of an observation's cost.
bool IsValidUtf8Fast(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if ((word & 0x8080808080808080ull) != 0) return IsValidUtf8(s.substr(i));
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return IsValidUtf8(s.substr(i));
  }
  return true;
}

}  // namespace

SentenceSource::SentenceSource(const SentenceReader* reader) : previous_(t_sentence_reader) {
  t_sentence_reader = reader;
}
SentenceSource::~SentenceSource() { t_sentence_reader = previous_; }

absl::StatusOr<Day> ParseOptionalDay(const std::string& text, std::string_view field) {
  if (text.empty()) return kNoDate;
  auto d = ParseDay(text);
  if (!d.ok()) return Bad(field, AsStd(d.status().message()));
  return *d;
}

absl::Status CheckText(std::string_view value, std::string_view field, size_t max_bytes,
                       bool required) {
  if (required && value.empty()) return Bad(field, "is required");
  if (value.size() > max_bytes) {
    return Bad(field, StrCat("is ", value.size(), " bytes; the limit is ", max_bytes));
  }
  if (!IsValidUtf8Fast(value)) return Bad(field, "is not valid UTF-8");
  return absl::OkStatus();
}

void ToProto(const Actor& a, int64_t observation_count, v1::Actor* out) {
  out->set_id(a.id);
  out->set_kind(static_cast<v1::ActorKind>(a.kind));
  out->set_name(a.name);
  for (const auto& alias : a.aliases) out->add_aliases(alias);
  out->set_country(a.country);
  for (const Role& r : a.roles) {
    v1::Role* pr = out->add_roles();
    pr->set_target(r.target);
    pr->set_kind(static_cast<v1::RelationKind>(r.kind));
    pr->set_title(r.title);
    pr->set_from_date(FormatDay(r.from));
    pr->set_until_date(FormatDay(r.until));
  }
  out->set_observation_count(observation_count);
}

void ToProto(const Observation& o, v1::Relation* out) {
  out->set_id(o.id.str());
  out->set_source(o.source.str());
  out->set_target(o.target.str());
  out->set_source_name(o.source_name.str());
  out->set_target_name(o.target_name.str());
  out->set_source_country(o.source_country.str());
  out->set_target_country(o.target_country.str());
  out->set_kind(static_cast<v1::RelationKind>(o.kind));
  out->set_sign(o.sign);
  out->set_weight(o.weight);
  out->set_confidence(o.confidence);
  out->set_cameo(o.cameo.str());
  out->set_date(FormatDay(o.date));
  v1::Evidence* e = out->mutable_evidence();
  e->set_doc(o.evidence.doc.str());
  e->set_url(o.evidence.url.str());
  if (!o.evidence.sentence.empty() || o.evidence.stored_row == 0) {
    e->set_sentence(o.evidence.sentence.str());
  } else if (t_sentence_reader != nullptr && *t_sentence_reader) {
    e->set_sentence((*t_sentence_reader)(o.evidence.stored_row));
  }
  e->set_begin(o.evidence.begin);
  e->set_end(o.evidence.end);
}

void ToProto(const PathEdge& e, v1::Edge* out) {
  out->set_source(e.source);
  out->set_target(e.target);
  out->set_count(e.count);
  out->set_weight(e.weight);
  out->set_sign(e.sign);
  out->set_reversed(e.reversed);
  out->set_first_seen(FormatDay(e.first_seen));
  out->set_last_seen(FormatDay(e.last_seen));
  for (const Observation* o : e.evidence) ToProto(*o, out->add_relations());
}

void ToProto(const FoundPath& p, v1::Path* out) {
  for (const auto& a : p.actors) out->add_actors(a);
  for (const auto& e : p.edges) ToProto(e, out->add_edges());
  out->set_sign(p.sign);
  out->set_cost(p.cost);
}

std::string FieldPath::Sub(std::string_view sub) const {
  return index < 0 ? StrCat(name, ".", sub) : StrCat(name, "[", index, "].", sub);
}

absl::StatusOr<Observation> FromProto(const v1::Relation& r, FieldPath field, Utf8 utf8,
                                      ActorGraph::FieldViews* views) {
  auto f = [&](std::string_view sub) { return field.Sub(sub); };
  Observation o;
  struct TextField {
    const std::string& value;
    const char* name;
    size_t max;
  };
  for (const TextField& t : {TextField{r.id(), "id", 256}, {r.source(), "source", 256},
                             {r.target(), "target", 256}, {r.source_name(), "source_name", 1024},
                             {r.target_name(), "target_name", 1024},
                             {r.source_country(), "source_country", 8},
                             {r.target_country(), "target_country", 8}, {r.cameo(), "cameo", 16},
                             {r.date(), "date", 16}, {r.evidence().doc(), "evidence.doc", 256},
                             {r.evidence().url(), "evidence.url", 4096},
                             {r.evidence().sentence(), "evidence.sentence", 64 * 1024}}) {
    // The field path is only spelled out for an error: building it per field was a
    // measurable share of ingest.
    if (t.value.size() <= t.max && (utf8 == Utf8::kParsed || IsValidUtf8Fast(t.value))) continue;
    return CheckText(t.value, f(t.name), t.max, false);
  }
  // An id the request leaves out comes from the name; it is not in `r`, so it is a Text.
  if (r.source().empty()) o.source = Slugify(r.source_name());
  if (r.target().empty()) o.target = Slugify(r.target_name());
  const std::string_view source = r.source().empty() ? o.source.view() : r.source();
  const std::string_view target = r.target().empty() ? o.target.view() : r.target();
  if (source.empty()) return Bad(f("source"), "is required (give source or source_name)");
  if (target.empty()) return Bad(f("target"), "is required (give target or target_name)");
  if (!IsValidActorId(source)) return Bad(f("source"), StrCat("\"", source, "\" is not an actor id"));
  if (!IsValidActorId(target)) return Bad(f("target"), StrCat("\"", target, "\" is not an actor id"));
  if (source == target) return Bad(f("target"), "equals source (self-relation)");
  int kind = static_cast<int>(r.kind());
  if (kind <= 0 || kind >= kNumRelationKinds) {
    return Bad(f("kind"), kind == 0 ? "is required" : StrCat("unknown value ", kind));
  }
  o.kind = static_cast<RelationKind>(kind);
  const KindInfo& info = Info(o.kind);
  o.sign = info.sign;
  if (r.sign() != 0 && r.sign() != info.sign) {
    return Bad(f("sign"), StrCat("is ", r.sign(), " but kind ", info.name, " has sign ", info.sign));
  }
  if (!std::isfinite(r.weight()) || std::abs(r.weight()) > 10) {
    return Bad(f("weight"), "must lie in [-10, 10]");
  }
  o.weight = r.weight() == 0 ? info.default_weight : r.weight();
  if (o.weight * info.sign < 0) return Bad(f("weight"), StrCat("has the wrong sign for kind ", info.name));
  if (!std::isfinite(r.confidence()) || r.confidence() < 0 || r.confidence() > 1) {
    return Bad(f("confidence"), "must lie in [0, 1]");
  }
  o.confidence = r.confidence() == 0 ? 1.0 : r.confidence();
  const std::string_view cameo = r.cameo().empty() ? info.cameo_root : std::string_view(r.cameo());
  auto day = ParseOptionalDay(r.date(), "date");  // the path is spelled out on error only
  if (!day.ok()) return ParseOptionalDay(r.date(), f("date")).status();
  o.date = *day;
  o.evidence.doc = r.evidence().doc();
  o.evidence.url = r.evidence().url();
  o.evidence.sentence = r.evidence().sentence();
  o.evidence.begin = r.evidence().begin();
  o.evidence.end = r.evidence().end();
  if (!r.has_evidence()) o.evidence.begin = o.evidence.end = -1;
  if (o.evidence.begin < -1 || o.evidence.end < o.evidence.begin) {
    return Bad(f("evidence.end"), "must satisfy begin <= end");
  }
  o.id = r.id().empty() ? ObservationId(o.evidence.doc, o.evidence.begin, o.evidence.end,
                                        source, target, o.kind)
                        : r.id();
  // A missing name is the id.
  const std::string_view source_name = r.source_name().empty() ? source : r.source_name();
  const std::string_view target_name = r.target_name().empty() ? target : r.target_name();
  if (views != nullptr) {
    *views = {.source = o.source.empty() ? source : std::string_view(),
              .target = o.target.empty() ? target : std::string_view(),
              .source_name = source_name,
              .target_name = target_name,
              .source_country = r.source_country(),
              .target_country = r.target_country(),
              .cameo = cameo};
    return o;
  }
  if (o.source.empty()) o.source = source;
  if (o.target.empty()) o.target = target;
  o.source_name = r.source_name().empty() ? o.source : Text(source_name);
  o.target_name = r.target_name().empty() ? o.target : Text(target_name);
  o.source_country = r.source_country();
  o.target_country = r.target_country();
  o.cameo = cameo;
  return o;
}

absl::StatusOr<Actor> FromProto(const v1::Actor& p, std::string_view field) {
  auto f = [&](std::string_view sub) { return StrCat(field, ".", sub); };
  if (p.id().empty()) return Bad(f("id"), "is required");
  if (auto s = CheckText(p.id(), f("id"), 128, true); !s.ok()) return s;
  if (!IsValidActorId(p.id())) {
    return Bad(f("id"), StrCat("\"", p.id(), "\" is not a lower-case slug ([a-z0-9._-])"));
  }
  if (auto s = CheckText(p.name(), f("name"), 1024, true); !s.ok()) return s;
  if (auto s = CheckText(p.country(), f("country"), 8, false); !s.ok()) return s;
  Actor a;
  a.id = p.id();
  a.name = p.name();
  a.country = p.country();
  int kind = static_cast<int>(p.kind());
  if (kind < 0 || kind > static_cast<int>(ActorKind::kOther)) {
    return Bad(f("kind"), StrCat("unknown value ", kind));
  }
  a.kind = kind == 0 ? ActorKind::kOther : static_cast<ActorKind>(kind);
  if (p.aliases_size() > 1000) return Bad(f("aliases"), "has more than 1000 entries");
  for (int i = 0; i < p.aliases_size(); ++i) {
    if (auto s = CheckText(p.aliases(i), StrCat(f("aliases"), "[", i, "]"), 1024, true);
        !s.ok()) {
      return s;
    }
    a.aliases.push_back(p.aliases(i));
  }
  for (int i = 0; i < p.roles_size(); ++i) {
    const v1::Role& pr = p.roles(i);
    std::string rf = StrCat(f("roles"), "[", i, "]");
    if (!IsValidActorId(pr.target())) return Bad(StrCat(rf, ".target"), "must be an actor id");
    Role r;
    r.target = pr.target();
    if (pr.kind() == v1::LEADS || pr.kind() == v1::RELATION_KIND_UNSPECIFIED) {
      r.kind = RelationKind::kLeads;
    } else if (pr.kind() == v1::MEMBER_OF) {
      r.kind = RelationKind::kMemberOf;
    } else {
      return Bad(StrCat(rf, ".kind"), "must be LEADS or MEMBER_OF");
    }
    if (auto s = CheckText(pr.title(), StrCat(rf, ".title"), 256, false); !s.ok()) return s;
    r.title = pr.title();
    auto from = ParseOptionalDay(pr.from_date(), StrCat(rf, ".from_date"));
    if (!from.ok()) return from.status();
    auto until = ParseOptionalDay(pr.until_date(), StrCat(rf, ".until_date"));
    if (!until.ok()) return until.status();
    r.from = *from;
    r.until = *until;
    a.roles.push_back(std::move(r));
  }
  return a;
}

absl::StatusOr<RelationFilter> FromProto(const v1::RelationFilter& p, std::string_view field) {
  auto f = [&](std::string_view sub) { return StrCat(field, ".", sub); };
  RelationFilter out;
  for (int i = 0; i < p.kinds_size(); ++i) {
    int k = p.kinds(i);
    if (k <= 0 || k >= kNumRelationKinds) {
      return Bad(StrCat(f("kinds"), "[", i, "]"), StrCat("unknown relation kind ", k));
    }
    out.AddKind(static_cast<RelationKind>(k));
  }
  switch (p.sign()) {
    case v1::SIGN_FILTER_UNSPECIFIED:
      break;
    case v1::POSITIVE:
      out.sign = 1;
      break;
    case v1::NEGATIVE:
      out.sign = -1;
      break;
    default:
      return Bad(f("sign"), StrCat("unknown value ", static_cast<int>(p.sign())));
  }
  auto since = ParseOptionalDay(p.since(), f("since"));
  if (!since.ok()) return since.status();
  auto until = ParseOptionalDay(p.until(), f("until"));
  if (!until.ok()) return until.status();
  out.since = *since;
  out.until = *until;
  if (out.since != kNoDate && out.until != kNoDate && out.since > out.until) {
    return Bad(f("since"), "is after until");
  }
  return out;
}

}  // namespace actorgraph
