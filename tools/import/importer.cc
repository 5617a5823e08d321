#include "tools/import/importer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/strings/ascii.h"
#include "graph/strings.h"
#include "tools/import/cameo.h"
#include "tools/import/line_reader.h"

namespace actorgraph::import {
namespace {

// GDELT 2.0 event export columns (GDELT Event Codebook V2.0, "Event Table" fields, in file
// order): tab-separated, no header, 61 per row.
//    0 GLOBALEVENTID   1 SQLDATE   2 MonthYear   3 Year   4 FractionDate
//    5 Actor1Code   6 Actor1Name   7 Actor1CountryCode   8 Actor1KnownGroupCode
//    9 Actor1EthnicCode  10 Actor1Religion1Code  11 Actor1Religion2Code
//   12 Actor1Type1Code  13 Actor1Type2Code  14 Actor1Type3Code
//   15..24 Actor2Code ... Actor2Type3Code (the same ten for Actor2)
//   25 IsRootEvent  26 EventCode  27 EventBaseCode  28 EventRootCode  29 QuadClass
//   30 GoldsteinScale  31 NumMentions  32 NumSources  33 NumArticles  34 AvgTone
//   35..42 Actor1Geo_Type, _FullName, _CountryCode, _ADM1Code, _ADM2Code, _Lat, _Long,
//          _FeatureID
//   43..50 Actor2Geo_* (the same eight)   51..58 ActionGeo_* (the same eight)
//   59 DATEADDED (YYYYMMDDHHMMSS)  60 SOURCEURL
// GDELT 1.0 files have 57 (before April 2013) or 58 columns: no ADM2 codes.
constexpr int kGdeltColumns = 61;
constexpr int kGlobalEventId = 0;
constexpr int kSqlDate = 1;
constexpr int kActor1 = 5;  // first of the ten actor columns
constexpr int kActor2 = 15;
constexpr int kEventCode = 26;
constexpr int kGoldstein = 30;
constexpr int kNumMentions = 31;
constexpr int kNumSources = 32;
constexpr int kSourceUrl = 60;
// Offsets inside the ten actor columns.
constexpr int kCode = 0, kName = 1, kCountry = 2, kKnownGroup = 3, kType1 = 7;

// Bound on the actor cache: past it the cache starts over, so memory stays flat.
constexpr size_t kMaxCachedActors = 1 << 20;

void SplitTabs(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  size_t start = 0;
  for (;;) {
    const void* tab = std::memchr(line.data() + start, '\t', line.size() - start);
    if (tab == nullptr) {
      out.push_back(line.substr(start));
      return;
    }
    size_t at = static_cast<const char*>(tab) - line.data();
    out.push_back(line.substr(start, at - start));
    start = at + 1;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"')) s.remove_suffix(1);
  return s;
}

// Quoted for a message, cut short.
std::string Quote(std::string_view s) {
  return StrCat("\"", s.substr(0, 40), s.size() > 40 ? "..." : "", "\"");
}

bool ParseDouble(std::string_view s, double& out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

bool ParseInt(std::string_view s, int64_t& out) {
  s = Trim(s);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

// An event id that is safe to put into an observation id.
bool IsEventId(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

// "YYYYMMDD" or "YYYY-MM-DD" (a real calendar date).
bool ParseEventDate(std::string_view s, Day& out) {
  s = Trim(s);
  char buf[10];
  if (s.size() == 8) {
    std::memcpy(buf, s.data(), 4);
    buf[4] = '-';
    std::memcpy(buf + 5, s.data() + 4, 2);
    buf[7] = '-';
    std::memcpy(buf + 8, s.data() + 6, 2);
    s = std::string_view(buf, 10);
  }
  auto day = ParseDay(s);
  if (!day.ok()) return false;
  out = *day;
  return true;
}

// True when every byte is ASCII (checked eight at a time): no UTF-8 check needed then.
bool IsAscii(std::string_view s) {
  size_t i = 0;
  uint64_t bits = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    bits |= word;
  }
  for (; i < s.size(); ++i) bits |= static_cast<unsigned char>(s[i]);
  return (bits & 0x8080808080808080ULL) == 0;
}

bool IsCodeField(std::string_view s, size_t max) {
  return s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return absl::ascii_isalnum(c); });
}

// A kind for a named ICEWS actor from its sectors ("Government,Executive", "Rebels").
ActorKind KindOfSectors(const std::string& lower) {
  auto has = [&](std::initializer_list<std::string_view> words) {
    for (std::string_view w : words) {
      if (lower.find(w) != std::string::npos) return true;
    }
    return false;
  };
  if (has({"rebel", "insurgent", "separatist", "militia", "terror", "armed group"})) {
    return ActorKind::kArmedGroup;
  }
  if (has({"intergovernmental", "international government", "united nations"})) {
    return ActorKind::kIgo;
  }
  if (has({"non-governmental", "nongovernmental", "ngo"})) return ActorKind::kNgo;
  if (has({"party", "parties", "opposition"})) return ActorKind::kParty;
  return ActorKind::kOther;
}

bool IsStateSector(const std::string& lower) {
  for (std::string_view w : {"government", "executive", "military", "police", "legislative",
                             "judicial", "cabinet", "ministry", "army"}) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

std::string FoldHeader(std::string_view name) {
  if (name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);  // a UTF-8 byte order mark
  name = Trim(name);
  std::string out;
  for (char c : name) {
    const bool space = c == ' ' || c == '_' || c == '\t';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

}  // namespace

std::string_view SkipName(Skip skip) {
  switch (skip) {
    case Skip::kNoKind:
      return "CAMEO root without a relation kind";
    case Skip::kOneActor:
      return "fewer than two actors";
    case Skip::kGenericActor:
      return "actor with no country or organisation";
    case Skip::kSelfRelation:
      return "both actors the same";
    case Skip::kOutsideDates:
      return "outside --since/--until";
    case Skip::kLowConfidence:
      return "below --min-confidence";
  }
  return "?";
}

int64_t ImportStats::skipped_total() const {
  int64_t n = 0;
  for (int64_t s : skipped) n += s;
  return n;
}

double ConfidenceFromCounts(int64_t sources, int64_t mentions) {
  const double s = static_cast<double>(std::max<int64_t>(sources, 1));
  const double m = static_cast<double>(std::max<int64_t>(mentions, 1));
  const double c = 1.0 - 1.0 / (1.0 + s + (m - 1.0) / 10.0);
  return std::round(c * 1e4) / 1e4;
}

Importer::Importer(ImportOptions options, ActorMapper* actors)
    : options_(options), actors_(actors) {}

RowResult Importer::Skipped(Skip why) {
  ++stats_.skipped[static_cast<int>(why)];
  return RowResult::kSkipped;
}

absl::Status Importer::SetIcewsHeader(std::string_view header) {
  IcewsColumns c;
  SplitTabs(header, fields_);
  c.count = static_cast<int>(fields_.size());
  struct Want {
    std::string_view name;
    int* column;
    bool required;
  };
  const Want wants[] = {
      {"event id", &c.event_id, true},
      {"event date", &c.date, true},
      {"source name", &c.source_name, true},
      {"source sectors", &c.source_sectors, false},
      {"source country", &c.source_country, false},
      {"event text", &c.event_text, false},
      {"cameo code", &c.cameo, true},
      {"intensity", &c.intensity, false},
      {"target name", &c.target_name, true},
      {"target sectors", &c.target_sectors, false},
      {"target country", &c.target_country, false},
      {"story id", &c.story_id, false},
  };
  for (int i = 0; i < c.count; ++i) {
    const std::string name = FoldHeader(fields_[i]);
    for (const Want& w : wants) {
      if (name == w.name && *w.column < 0) *w.column = i;
    }
  }
  for (const Want& w : wants) {
    if (w.required && *w.column < 0) {
      return absl::InvalidArgumentError(
          StrCat("not an ICEWS event file: the header line has no \"", w.name,
                 "\" column (the first line must name the columns, tab-separated)"));
    }
  }
  icews_ = c;
  return absl::OkStatus();
}

RowResult Importer::MapRow(std::string_view line, Observation& out, std::string& error) {
  ++stats_.rows;
  if (cache_.size() > kMaxCachedActors) cache_.clear();
  RowResult r;
  if (std::memchr(line.data(), '\0', line.size()) != nullptr) {
    error = "binary data (a NUL byte) in the row";
    r = RowResult::kMalformed;
  } else if (!IsAscii(line) && !IsValidUtf8(line)) {
    error = "invalid UTF-8";
    r = RowResult::kMalformed;
  } else {
    r = options_.format == Format::kGdelt ? MapGdelt(line, out, error) : MapIcews(line, out, error);
  }
  if (r == RowResult::kMalformed) ++stats_.malformed;
  if (r == RowResult::kObservation) ++stats_.written;
  return r;
}

RowResult Importer::MapGdelt(std::string_view line, Observation& out, std::string& error) {
  SplitTabs(line, fields_);
  const auto& f = fields_;
  if (f.size() != kGdeltColumns) {
    error =
        StrCat("expected 61 tab-separated columns (a GDELT 2.0 event export), found ", f.size());
    if (f.size() == 57 || f.size() == 58) error += "; GDELT 1.0 files have 57 or 58";
    return RowResult::kMalformed;
  }
  if (!IsEventId(f[kGlobalEventId])) {
    error = StrCat("GLOBALEVENTID ", Quote(f[kGlobalEventId]), " is not an event id");
    return RowResult::kMalformed;
  }
  Day date;
  if (!ParseEventDate(f[kSqlDate], date)) {
    error = StrCat("SQLDATE ", Quote(f[kSqlDate]), " is not a YYYYMMDD calendar date");
    return RowResult::kMalformed;
  }
  const std::string cameo = NormalizeCameoCode(f[kEventCode]);
  if (cameo.empty()) {
    error = StrCat("EventCode ", Quote(f[kEventCode]), " is not a CAMEO event code");
    return RowResult::kMalformed;
  }
  double goldstein = 0;
  if (!Trim(f[kGoldstein]).empty() &&
      (!ParseDouble(f[kGoldstein], goldstein) || std::abs(goldstein) > 10)) {
    error = StrCat("GoldsteinScale ", Quote(f[kGoldstein]), " is not a number in [-10, 10]");
    return RowResult::kMalformed;
  }
  int64_t counts[2] = {1, 1};
  for (int i : {0, 1}) {
    const int col = i == 0 ? kNumMentions : kNumSources;
    if (!Trim(f[col]).empty() && (!ParseInt(f[col], counts[i]) || counts[i] < 0)) {
      error = StrCat(col == kNumMentions ? "NumMentions " : "NumSources ", Quote(f[col]),
                     " is not a count");
      return RowResult::kMalformed;
    }
  }
  for (int base : {kActor1, kActor2}) {
    const char* which = base == kActor1 ? "Actor1" : "Actor2";
    const std::string_view country = f[base + kCountry];
    if (!IsCodeField(country, 3) || (!country.empty() && country.size() != 3)) {
      error = StrCat(which, "CountryCode ", Quote(country), " is not a 3-letter code");
      return RowResult::kMalformed;
    }
    if (!IsCodeField(f[base + kCode], 64) || !IsCodeField(f[base + kKnownGroup], 8)) {
      error = StrCat(which, "Code or ", which, "KnownGroupCode is not a CAMEO code");
      return RowResult::kMalformed;
    }
    for (int t = 0; t < 3; ++t) {
      if (!IsCodeField(f[base + kType1 + t], 3)) {
        error = StrCat(which, "Type", t + 1, "Code ", Quote(f[base + kType1 + t]),
                       " is not a CAMEO type code");
        return RowResult::kMalformed;
      }
    }
  }

  const RelationKind kind = KindOfCameo(cameo, options_.extended_kinds);
  if (kind == RelationKind::kUnspecified) {
    ++stats_.no_kind_by_root[CameoRoot(cameo)];
    return Skipped(Skip::kNoKind);
  }
  const Resolved& source = GdeltActor(&f[kActor1]);
  const Resolved& target = GdeltActor(&f[kActor2]);
  RowResult r = Finish(source, target, kind, date, goldstein,
                       ConfidenceFromCounts(counts[1], counts[0]), out);
  if (r != RowResult::kObservation) return r;
  out.id = StrCat("gdelt-", f[kGlobalEventId]);
  out.cameo = cameo;
  out.evidence.doc = out.id;
  out.evidence.url = std::string(Trim(f[kSourceUrl]));
  auto who = [&](int base) {
    std::string_view name = f[base + kName], code = f[base + kCode];
    return StrCat(name.empty() ? code : name, " (", code, ")");
  };
  out.evidence.sentence =
      StrCat(who(kActor1), " ", RelationKindName(kind), " [", cameo, "] ", who(kActor2));
  return r;
}

RowResult Importer::MapIcews(std::string_view line, Observation& out, std::string& error) {
  if (icews_.count == 0) {
    error = "no ICEWS header line read yet";
    return RowResult::kMalformed;
  }
  SplitTabs(line, fields_);
  const auto& f = fields_;
  if (static_cast<int>(f.size()) != icews_.count) {
    error = StrCat("expected ", icews_.count, " tab-separated columns (as the header has), found ",
                   f.size());
    return RowResult::kMalformed;
  }
  auto col = [&](int c) { return c < 0 ? std::string_view() : Trim(f[c]); };
  const std::string_view event_id = col(icews_.event_id);
  if (!IsEventId(event_id)) {
    error = StrCat("Event ID ", Quote(event_id), " is not an event id");
    return RowResult::kMalformed;
  }
  Day date;
  if (!ParseEventDate(col(icews_.date), date)) {
    error = StrCat("Event Date ", Quote(col(icews_.date)), " is not a YYYY-MM-DD calendar date");
    return RowResult::kMalformed;
  }
  const std::string cameo = NormalizeCameoCode(col(icews_.cameo));
  if (cameo.empty()) {
    error = StrCat("CAMEO Code ", Quote(col(icews_.cameo)), " is not a CAMEO event code");
    return RowResult::kMalformed;
  }
  double intensity = 0;
  if (!col(icews_.intensity).empty() &&
      (!ParseDouble(col(icews_.intensity), intensity) || std::abs(intensity) > 10)) {
    error = StrCat("Intensity ", Quote(col(icews_.intensity)), " is not a number in [-10, 10]");
    return RowResult::kMalformed;
  }

  const RelationKind kind = KindOfCameo(cameo, options_.extended_kinds);
  if (kind == RelationKind::kUnspecified) {
    ++stats_.no_kind_by_root[CameoRoot(cameo)];
    return Skipped(Skip::kNoKind);
  }
  const Resolved& source =
      IcewsActor(col(icews_.source_name), col(icews_.source_sectors), col(icews_.source_country));
  const Resolved& target =
      IcewsActor(col(icews_.target_name), col(icews_.target_sectors), col(icews_.target_country));
  // ICEWS gives no mention or source counts: every event counts as one mention in one source.
  RowResult r = Finish(source, target, kind, date, intensity, ConfidenceFromCounts(1, 1), out);
  if (r != RowResult::kObservation) return r;
  // Event IDs repeat across dates in ICEWS; the pair is unique.
  out.id = StrCat("icews-", event_id, "-", FormatDay(date));
  out.cameo = cameo;
  const std::string_view story = col(icews_.story_id);
  out.evidence.doc = IsEventId(story) ? StrCat("icews-story-", story) : out.id;
  out.evidence.url = "";
  const std::string_view text = col(icews_.event_text);
  out.evidence.sentence =
      StrCat(col(icews_.source_name), " ", text.empty() ? RelationKindName(kind) : text, " [",
             cameo, "] ", col(icews_.target_name));
  return r;
}

RowResult Importer::Finish(const Resolved& source, const Resolved& target, RelationKind kind,
                           Day date, double goldstein, double confidence, Observation& out) {
  if (source.actor.id.empty() || target.actor.id.empty()) {
    return Skipped(source.generic || target.generic ? Skip::kGenericActor : Skip::kOneActor);
  }
  if (source.actor.id == target.actor.id) return Skipped(Skip::kSelfRelation);
  if ((options_.since != kNoDate && date < options_.since) ||
      (options_.until != kNoDate && date > options_.until)) {
    return Skipped(Skip::kOutsideDates);
  }
  if (confidence < options_.min_confidence) return Skipped(Skip::kLowConfidence);
  const KindInfo& info = Info(kind);
  out.source = source.actor.id;
  out.source_name = source.actor.name;
  out.source_country = source.actor.country;
  out.target = target.actor.id;
  out.target_name = target.actor.name;
  out.target_country = target.actor.country;
  out.kind = kind;
  out.sign = info.sign;
  // The kind decides the sign; the Goldstein score (or ICEWS intensity) only the size.
  out.weight = goldstein != 0 ? info.sign * std::abs(goldstein) : info.default_weight;
  out.confidence = confidence;
  out.date = date;
  out.evidence.begin = out.evidence.end = -1;
  return RowResult::kObservation;
}

const Importer::Resolved& Importer::GdeltActor(const std::string_view* a) {
  static const Resolved kNone;
  const std::string_view code = a[kCode], name = a[kName], country = a[kCountry],
                         group = a[kKnownGroup];
  std::string_view primary;
  for (int t = 0; t < 3 && primary.empty(); ++t) primary = a[kType1 + t];
  if (code.empty() && name.empty() && country.empty() && group.empty() && primary.empty()) {
    return kNone;
  }
  // Only a known group, or an actor without a country, is told apart by its name.
  const bool by_name = !group.empty() || country.empty();
  key_.clear();
  key_.append("g\t").append(country).append("\t").append(group).append("\t").append(primary);
  if (by_name) key_.append("\t").append(name);
  auto it = cache_.find(key_);
  if (it != cache_.end()) return it->second;
  return cache_.emplace(key_, ResolveGdeltActor(a)).first->second;
}

Importer::Resolved Importer::ResolveGdeltActor(const std::string_view* a) {
  const std::string_view name = a[kName], country = a[kCountry], group = a[kKnownGroup];
  std::string_view primary;
  for (int t = 0; t < 3 && primary.empty(); ++t) primary = a[kType1 + t];
  const ActorType* type = FindActorType(primary);
  Resolved r;
  if (!group.empty()) {
    // A known group (CAMEO's named organisations and armed groups): known by its name.
    ActorRef state = country.empty() ? ActorRef() : actors_->State(country);
    r.actor = actors_->Named(name.empty() ? group : name, type ? type->kind : ActorKind::kOther,
                             state.id.empty() ? nullptr : &state, RelationKind::kUnspecified);
  } else if (!country.empty()) {
    ActorRef state = actors_->State(country);
    if (primary.empty()) {
      r.actor = std::move(state);
    } else if (type != nullptr) {
      r.actor = actors_->Sector(state, *type);
    } else {
      r.actor = actors_->Sector(state, primary);
    }
  } else if (type != nullptr && type->organisation && !name.empty()) {
    r.actor = actors_->Named(name, type->kind, nullptr, RelationKind::kUnspecified);
  } else {
    r.generic = true;  // "rebels", "police", "Christians" somewhere: no one in particular
  }
  return r;
}

const Importer::Resolved& Importer::IcewsActor(std::string_view name, std::string_view sectors,
                                               std::string_view country) {
  static const Resolved kNone;
  if (name.empty()) return kNone;
  key_.clear();
  key_.append("i\t").append(name).append("\t").append(country);
  auto it = cache_.find(key_);
  if (it != cache_.end()) return it->second;
  return cache_.emplace(key_, ResolveIcewsActor(name, sectors, country)).first->second;
}

Importer::Resolved Importer::ResolveIcewsActor(std::string_view name, std::string_view sectors,
                                               std::string_view country) {
  Resolved r;
  if (const Actor* known = actors_->FindInDictionary(name)) {
    r.actor = {known->id, known->name, known->country};
    return r;
  }
  ActorRef state = country.empty() ? ActorRef() : actors_->StateNamed(country);
  if (!state.id.empty() && SlugId(name) == SlugId(country)) {
    r.actor = std::move(state);
    return r;
  }
  // Sector agents: "Government (Libya)", "Police (Egypt)".
  if (const size_t open = name.rfind(" ("); open != std::string_view::npos && name.back() == ')') {
    const std::string_view label = Trim(name.substr(0, open));
    const std::string_view place = Trim(name.substr(open + 2, name.size() - open - 3));
    ActorRef where = state.id.empty() ? actors_->StateNamed(place) : state;
    if (!label.empty() && !where.id.empty()) {
      const ActorType* type = ActorTypeForLabel(label);
      r.actor = type ? actors_->Sector(where, *type) : actors_->Sector(where, label);
      return r;
    }
  }
  const std::string lower = absl::AsciiStrToLower(std::string(sectors));
  const ActorKind kind = KindOfSectors(lower);
  const RelationKind role = kind == ActorKind::kOther && IsStateSector(lower)
                                ? RelationKind::kMemberOf
                                : RelationKind::kUnspecified;
  r.actor = actors_->Named(name, kind, state.id.empty() ? nullptr : &state, role);
  return r;
}

absl::Status Importer::ImportFile(const std::string& path,
                                  const std::function<void(const Observation&)>& emit,
                                  const std::function<void(const std::string&)>& report) {
  auto opened = LineReader::Open(path);
  if (!opened.ok()) return opened.status();
  LineReader& reader = **opened;
  bool need_header = options_.format == Format::kIcews;
  icews_ = IcewsColumns();
  Observation obs;
  std::string error;
  std::string_view line;
  while (reader.Next(line)) {
    if (reader.too_long()) {
      ++stats_.rows;
      ++stats_.malformed;
      report(StrCat(path, ":", reader.line_number(), ": line longer than ",
                    LineReader::kMaxLineBytes >> 20, " MiB"));
    } else if (line.find_first_not_of(" \t") == std::string_view::npos) {
      continue;  // blank
    } else if (need_header) {
      if (absl::Status s = SetIcewsHeader(line); !s.ok()) {
        return absl::FailedPreconditionError(
            StrCat(path, ":", reader.line_number(), ": ", AsStd(s.message())));
      }
      need_header = false;
      continue;
    } else if (options_.format == Format::kGdelt && reader.line_number() == 1 &&
               FoldHeader(line).find("cameo code") != std::string::npos) {
      return absl::FailedPreconditionError(
          StrCat(path,
                 ":1: a header line naming ICEWS columns; this is an ICEWS file "
                 "(use `actorgraph-import icews`)"));
    } else {
      const RowResult r = MapRow(line, obs, error);
      if (r == RowResult::kObservation) emit(obs);
      if (r != RowResult::kMalformed) continue;
      report(StrCat(path, ":", reader.line_number(), ": ", error));
    }
    if (options_.max_errors > 0 && stats_.malformed >= options_.max_errors) {
      return absl::ResourceExhaustedError(StrCat(path, ":", reader.line_number(),
                                                 ": stopped after ", stats_.malformed,
                                                 " malformed rows (--max-errors)"));
    }
  }
  if (!reader.status().ok()) {
    return absl::Status(reader.status().code(), StrCat(path, ": after line ", reader.line_number(),
                                                       ": ", AsStd(reader.status().message())));
  }
  if (std::string w = reader.warning(); !w.empty()) report(StrCat(path, ": ", w));
  if (need_header && reader.line_number() > 0) {
    report(StrCat(path, ": no ICEWS header line (only blank lines)"));
  }
  ++stats_.files;
  return absl::OkStatus();
}

}  // namespace actorgraph::import
