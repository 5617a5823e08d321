#include "graph/types.h"

#include <array>
#include <cctype>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

constexpr std::array<KindInfo, kNumRelationKinds> kKinds = {{
    {RelationKind::kUnspecified, "RELATION_KIND_UNSPECIFIED", 0, 0.0, ""},
    {RelationKind::kSupport, "SUPPORT", +1, 3.5, "050"},
    {RelationKind::kAid, "AID", +1, 7.0, "070"},
    {RelationKind::kCooperate, "COOPERATE", +1, 6.0, "060"},
    {RelationKind::kMeet, "MEET", +1, 1.0, "040"},
    {RelationKind::kMediate, "MEDIATE", +1, 2.0, "045"},
    {RelationKind::kCriticize, "CRITICIZE", -1, -2.0, "110"},
    {RelationKind::kReject, "REJECT", -1, -4.0, "120"},
    {RelationKind::kThreaten, "THREATEN", -1, -6.0, "130"},
    {RelationKind::kSanction, "SANCTION", -1, -5.0, "160"},
    {RelationKind::kFight, "FIGHT", -1, -10.0, "190"},
    {RelationKind::kLeads, "LEADS", 0, 0.0, ""},
    {RelationKind::kMemberOf, "MEMBER_OF", 0, 0.0, ""},
}};

constexpr std::array<std::string_view, 9> kActorKindNames = {"ACTOR_KIND_UNSPECIFIED",
                                                             "STATE",
                                                             "GOVERNMENT",
                                                             "PERSON",
                                                             "ARMED_GROUP",
                                                             "PARTY",
                                                             "IGO",
                                                             "NGO",
                                                             "OTHER"};

}  // namespace

const KindInfo& Info(RelationKind kind) {
  int i = static_cast<int>(kind);
  if (i < 0 || i >= kNumRelationKinds) i = 0;
  return kKinds[i];
}

std::optional<RelationKind> ParseRelationKind(std::string_view name) {
  std::string upper = absl::AsciiStrToUpper(std::string(name));
  for (const KindInfo& k : kKinds) {
    if (k.kind != RelationKind::kUnspecified && k.name == upper) return k.kind;
  }
  return std::nullopt;
}

std::string_view RelationKindName(RelationKind kind) { return Info(kind).name; }

std::optional<ActorKind> ParseActorKind(std::string_view name) {
  std::string upper = absl::AsciiStrToUpper(std::string(name));
  for (size_t i = 1; i < kActorKindNames.size(); ++i) {
    if (kActorKindNames[i] == upper) return static_cast<ActorKind>(i);
  }
  return std::nullopt;
}

std::string_view ActorKindName(ActorKind kind) {
  size_t i = static_cast<size_t>(kind);
  return i < kActorKindNames.size() ? kActorKindNames[i] : kActorKindNames[0];
}

// Howard Hinnant's days_from_civil.
Day DayFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void CivilFromDay(Day z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}

absl::StatusOr<Day> ParseDay(std::string_view t) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        StrCat("date \"", t.substr(0, 40), "\" is not a YYYY-MM-DD calendar date"));
  };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return bad();
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return bad();
  }
  int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  unsigned m = (t[5] - '0') * 10 + (t[6] - '0');
  unsigned d = (t[8] - '0') * 10 + (t[9] - '0');
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return bad();
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return bad();
  return DayFromCivil(y, m, d);
}

std::string FormatDay(Day day) {
  if (day == kNoDate) return "";
  int y;
  unsigned m, d;
  CivilFromDay(day, y, m, d);
  char buf[32];  // roomy enough for any int year, which keeps -Wformat-truncation quiet
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

bool Role::HoldsOn(Day day) const {
  if (day == kNoDate) return true;
  if (from != kNoDate && day < from) return false;
  if (until != kNoDate && day > until) return false;
  return true;
}

std::string ObservationId(std::string_view doc, int32_t begin, int32_t end, std::string_view source,
                          std::string_view target, RelationKind kind) {
  // FNV-1a, 64 bit, twice with different offsets: 128 bits of id, stable across builds.
  auto fnv = [](uint64_t h, std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // field separator
    h *= 1099511628211ULL;
    return h;
  };
  std::string key = StrCat(begin, ":", end);
  uint64_t a = 14695981039346656037ULL, b = 0x9ae16a3b2f90404fULL;
  for (std::string_view part :
       {doc, std::string_view(key), source, target, RelationKindName(kind)}) {
    a = fnv(a, part);
    b = fnv(b, part);
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buf;
}

std::string Slugify(std::string_view name) {
  std::string out;
  bool dash = false;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c >= 0x80) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      dash = true;
    }
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace actorgraph
