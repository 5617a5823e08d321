#include "graph/relation_jsonl.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "graph/json_object.h"

#include "absl/status/status.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

using nlohmann::json;

constexpr size_t kMaxIdBytes = 256;
constexpr size_t kMaxNameBytes = 1024;

absl::Status FieldError(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("field \"", field, "\": ", why));
}

// Reads an optional string field; absent or null leaves `out` unchanged.
absl::Status GetString(const json& j, const char* field, size_t max_bytes, std::string& out) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) return FieldError(field, "must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    return FieldError(field, StrCat("is longer than ", max_bytes, " bytes"));
  }
  out = s;
  return absl::OkStatus();
}
absl::Status GetString(const json& j, const char* field, size_t max_bytes, Text& out) {
  std::string s;
  if (auto st = GetString(j, field, max_bytes, s); !st.ok()) return st;
  if (!s.empty()) out = s;
  return absl::OkStatus();
}

absl::Status GetNumber(const json& j, const char* field, double& out, bool& present) {
  auto it = j.find(field);
  present = false;
  if (it == j.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_number()) return FieldError(field, "must be a number");
  out = it->get<double>();
  if (!std::isfinite(out)) return FieldError(field, "must be finite");
  present = true;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Observation> ParseRelationLine(std::string_view line) {
  auto parsed = ParseJsonObject(line);
  if (!parsed.ok()) return parsed.status();
  const json& j = *parsed;

  Observation o;
  std::string kind_name, date;
  absl::Status s;
  if (!(s = GetString(j, "id", kMaxIdBytes, o.id)).ok()) return s;
  if (!(s = GetString(j, "source", kMaxIdBytes, o.source)).ok()) return s;
  if (!(s = GetString(j, "target", kMaxIdBytes, o.target)).ok()) return s;
  if (!(s = GetString(j, "source_name", kMaxNameBytes, o.source_name)).ok()) return s;
  if (!(s = GetString(j, "target_name", kMaxNameBytes, o.target_name)).ok()) return s;
  if (!(s = GetString(j, "source_country", 8, o.source_country)).ok()) return s;
  if (!(s = GetString(j, "target_country", 8, o.target_country)).ok()) return s;
  if (!(s = GetString(j, "kind", 64, kind_name)).ok()) return s;
  if (!(s = GetString(j, "cameo", 16, o.cameo)).ok()) return s;
  if (!(s = GetString(j, "date", 64, date)).ok()) return s;
  if (!(s = GetString(j, "doc", kMaxIdBytes, o.evidence.doc)).ok()) return s;
  if (!(s = GetString(j, "url", 4096, o.evidence.url)).ok()) return s;
  if (!(s = GetString(j, "sentence", 64 * 1024, o.evidence.sentence)).ok()) return s;

  if (o.source.empty()) o.source = Slugify(o.source_name);
  if (o.target.empty()) o.target = Slugify(o.target_name);
  if (o.source.empty()) return FieldError("source", "is missing (give source or source_name)");
  if (o.target.empty()) return FieldError("target", "is missing (give target or target_name)");
  if (o.source_name.empty()) o.source_name = o.source;
  if (o.target_name.empty()) o.target_name = o.target;
  if (kind_name.empty()) return FieldError("kind", "is missing");
  auto kind = ParseRelationKind(kind_name);
  if (!kind) return FieldError("kind", StrCat("unknown relation kind \"", kind_name, "\""));
  o.kind = *kind;
  const KindInfo& info = Info(o.kind);

  double num;
  bool present;
  if (!(s = GetNumber(j, "sign", num, present)).ok()) return s;
  o.sign = info.sign;
  if (present) {
    if (num != -1 && num != 0 && num != 1) return FieldError("sign", "must be -1, 0 or 1");
    if (static_cast<int>(num) != info.sign) {
      return FieldError("sign",
                        StrCat("is ", num, " but kind ", info.name, " has sign ", info.sign));
    }
  }
  if (!(s = GetNumber(j, "weight", num, present)).ok()) return s;
  o.weight = present ? num : info.default_weight;
  if (std::abs(o.weight) > 10) return FieldError("weight", "must lie in [-10, 10]");
  if (o.weight * info.sign < 0) {
    return FieldError("weight", StrCat("has the wrong sign for kind ", info.name));
  }
  if (!(s = GetNumber(j, "confidence", num, present)).ok()) return s;
  o.confidence = present ? num : 1.0;
  if (o.confidence < 0 || o.confidence > 1) return FieldError("confidence", "must lie in [0, 1]");
  if (o.cameo.empty()) o.cameo = std::string(info.cameo_root);
  if (!date.empty()) {
    auto day = ParseDay(date);
    if (!day.ok()) return FieldError("date", std::string(AsStd(day.status().message())));
    o.date = *day;
  }
  auto span = j.find("span");
  if (span != j.end() && !span->is_null()) {
    if (!span->is_array() || span->size() != 2 || !(*span)[0].is_number_integer() ||
        !(*span)[1].is_number_integer()) {
      return FieldError("span", "must be [begin, end] integers");
    }
    int64_t b = (*span)[0].get<int64_t>(), e = (*span)[1].get<int64_t>();
    if (b < 0 || e < b || e > INT32_MAX)
      return FieldError("span", "must satisfy 0 <= begin <= end");
    o.evidence.begin = static_cast<int32_t>(b);
    o.evidence.end = static_cast<int32_t>(e);
  }
  if (o.source == o.target) return FieldError("target", "equals source (self-relation)");
  if (o.id.empty()) {
    o.id =
        ObservationId(o.evidence.doc, o.evidence.begin, o.evidence.end, o.source, o.target, o.kind);
  }
  return o;
}

std::string RelationToJsonLine(const Observation& o) {
  json j = json::object();
  j["id"] = std::string_view(o.id);
  j["source"] = std::string_view(o.source);
  j["source_name"] = std::string_view(o.source_name);
  j["source_country"] = std::string_view(o.source_country);
  j["target"] = std::string_view(o.target);
  j["target_name"] = std::string_view(o.target_name);
  j["target_country"] = std::string_view(o.target_country);
  j["kind"] = std::string(RelationKindName(o.kind));
  j["sign"] = o.sign;
  j["weight"] = o.weight;
  j["confidence"] = o.confidence;
  j["cameo"] = std::string_view(o.cameo);
  j["date"] = FormatDay(o.date);
  j["doc"] = std::string_view(o.evidence.doc);
  j["url"] = std::string_view(o.evidence.url);
  j["sentence"] = std::string_view(o.evidence.sentence);
  if (o.evidence.begin >= 0) j["span"] = {o.evidence.begin, o.evidence.end};
  // Replace, never throw, on invalid UTF-8 coming from upstream text.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace actorgraph
