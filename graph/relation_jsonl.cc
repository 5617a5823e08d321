#include "graph/relation_jsonl.h"

#include <charconv>
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
  std::string out;
  AppendRelationJson(o, out);
  return out;
}

// ---- the line writer -------------------------------------------------------------------
// Writes the JSON bytes directly: building an nlohmann document per line cost ~7.5 us, most
// of an import or a synthetic dump.

namespace {

// Length of the valid UTF-8 sequence at s[i] (a non-ASCII lead byte), or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  const unsigned char c = s[i];
  const size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  return len > 0 && i + len <= s.size() && IsValidUtf8(s.substr(i, len)) ? len : 0;
}

// A JSON string as nlohmann::json dumps it (ensure_ascii off): quotes, backslashes and
// control characters escaped, \u00xx in lower-case hex for the ones without a short form.
void AppendString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t run = 0, i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (c >= 0x80) {
      const size_t len = Utf8Length(s, i);
      if (len > 0) {
        out.append(s.data() + i, len);
        i += len;
      } else {
        out.append("\xEF\xBF\xBD");
        ++i;
      }
    } else {
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\r':
          out.append("\\r");
          break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out.append(esc, sizeof esc);
        }
      }
      ++i;
    }
    run = i;
  }
  out.append(s.data() + run, i - run);
  out.push_back('"');
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// A double as nlohmann::json dumps it: the shortest digits that read back the same value,
// in fixed notation (with ".0" when integral) for decimal exponents in (-4, 15], otherwise
// as d.ddde+XX.
void AppendDouble(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  if (v == 0) {
    out.append(std::signbit(v) ? "-0.0" : "0.0");
    return;
  }
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, r.ptr - buf);
  if (s[0] == '-') {
    out.push_back('-');
    s.remove_prefix(1);
  }
  const size_t e = s.find('e');
  char digits[24];
  int k = 0;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits[k++] = c;
  }
  std::string_view exponent = s.substr(e + 1);
  if (!exponent.empty() && exponent[0] == '+') exponent.remove_prefix(1);
  int n = 0;
  std::from_chars(exponent.data(), exponent.data() + exponent.size(), n);
  ++n;  // digits[0] is worth 10^(n-1)
  if (k <= n && n <= 15) {
    out.append(digits, k);
    out.append(n - k, '0');
    out.append(".0");
  } else if (0 < n && n <= 15) {
    out.append(digits, n);
    out.push_back('.');
    out.append(digits + n, k - n);
  } else if (-4 < n && n <= 0) {
    out.append("0.");
    out.append(-n, '0');
    out.append(digits, k);
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits + 1, k - 1);
    }
    const int x = n - 1;
    out.push_back('e');
    out.push_back(x < 0 ? '-' : '+');
    const int ax = std::abs(x);
    if (ax < 10) out.push_back('0');
    AppendInt(out, ax);
  }
}

void AppendDate(std::string& out, Day day) {
  if (day == kNoDate) {
    out.append("\"\"");
    return;
  }
  int y;
  unsigned m, d;
  CivilFromDay(day, y, m, d);
  if (y < 0 || y > 9999) {
    AppendString(out, FormatDay(day));
    return;
  }
  const char text[] = {'"',
                       static_cast<char>('0' + y / 1000),
                       static_cast<char>('0' + y / 100 % 10),
                       static_cast<char>('0' + y / 10 % 10),
                       static_cast<char>('0' + y % 10),
                       '-',
                       static_cast<char>('0' + m / 10),
                       static_cast<char>('0' + m % 10),
                       '-',
                       static_cast<char>('0' + d / 10),
                       static_cast<char>('0' + d % 10),
                       '"'};
  out.append(text, sizeof text);
}

}  // namespace

void AppendRelationJson(const Observation& o, std::string& out) {
  // Keys in the order nlohmann::json (a std::map) writes them: sorted.
  out.append("{\"cameo\":");
  AppendString(out, std::string_view(o.cameo));
  out.append(",\"confidence\":");
  AppendDouble(out, o.confidence);
  out.append(",\"date\":");
  AppendDate(out, o.date);
  out.append(",\"doc\":");
  AppendString(out, std::string_view(o.evidence.doc));
  out.append(",\"id\":");
  AppendString(out, std::string_view(o.id));
  out.append(",\"kind\":");
  AppendString(out, RelationKindName(o.kind));
  out.append(",\"sentence\":");
  AppendString(out, std::string_view(o.evidence.sentence));
  out.append(",\"sign\":");
  AppendInt(out, o.sign);
  out.append(",\"source\":");
  AppendString(out, std::string_view(o.source));
  out.append(",\"source_country\":");
  AppendString(out, std::string_view(o.source_country));
  out.append(",\"source_name\":");
  AppendString(out, std::string_view(o.source_name));
  if (o.evidence.begin >= 0) {
    out.append(",\"span\":[");
    AppendInt(out, o.evidence.begin);
    out.push_back(',');
    AppendInt(out, o.evidence.end);
    out.push_back(']');
  }
  out.append(",\"target\":");
  AppendString(out, std::string_view(o.target));
  out.append(",\"target_country\":");
  AppendString(out, std::string_view(o.target_country));
  out.append(",\"target_name\":");
  AppendString(out, std::string_view(o.target_name));
  out.append(",\"url\":");
  AppendString(out, std::string_view(o.evidence.url));
  out.append(",\"weight\":");
  AppendDouble(out, o.weight);
  out.push_back('}');
}

}  // namespace actorgraph
