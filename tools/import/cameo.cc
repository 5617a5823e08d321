#include "tools/import/cameo.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "absl/strings/ascii.h"

namespace actorgraph::import {
namespace {

using K = ActorKind;
using R = RelationKind;

// CAMEO's actor type codes (the CAMEO manual's actor codebook, as GDELT's CAMEO.type.txt
// lists them) and what they mean here. State organs take a role in their state, so the
// stance graph ties them to it; armed groups, opposition and civil society do not.
constexpr std::array<ActorType, 40> kTypes = {{
    {"GOV", "Government", K::kGovernment, R::kLeads, false},
    {"MIL", "Military", K::kGovernment, R::kMemberOf, false},
    {"COP", "Police", K::kGovernment, R::kMemberOf, false},
    {"SPY", "Intelligence services", K::kGovernment, R::kMemberOf, false},
    {"JUD", "Judiciary", K::kGovernment, R::kMemberOf, false},
    {"LEG", "Legislature", K::kGovernment, R::kMemberOf, false},
    {"REB", "Rebels", K::kArmedGroup, R::kUnspecified, false},
    {"INS", "Insurgents", K::kArmedGroup, R::kUnspecified, false},
    {"SEP", "Separatist rebels", K::kArmedGroup, R::kUnspecified, false},
    {"UAF", "Unaligned armed forces", K::kArmedGroup, R::kUnspecified, false},
    {"IMG", "International militarized group", K::kArmedGroup, R::kUnspecified, true},
    {"OPP", "Political opposition", K::kParty, R::kUnspecified, false},
    {"PTY", "Political party", K::kParty, R::kUnspecified, false},
    {"MOD", "Moderates", K::kOther, R::kUnspecified, false},
    {"RAD", "Radicals", K::kOther, R::kUnspecified, false},
    {"IGO", "Intergovernmental organization", K::kIgo, R::kUnspecified, true},
    {"UNO", "United Nations", K::kIgo, R::kUnspecified, true},
    {"PKO", "Peacekeepers", K::kIgo, R::kUnspecified, true},
    {"NGO", "Non-governmental organization", K::kNgo, R::kUnspecified, true},
    {"NGM", "Non-governmental movement", K::kNgo, R::kUnspecified, true},
    {"AMN", "Amnesty International", K::kNgo, R::kUnspecified, true},
    {"IRC", "Red Cross", K::kNgo, R::kUnspecified, true},
    {"GRP", "Greenpeace", K::kNgo, R::kUnspecified, true},
    {"HRI", "Human rights groups", K::kNgo, R::kUnspecified, false},
    {"INT", "International actors", K::kOther, R::kUnspecified, true},
    {"MNC", "Multinational corporation", K::kOther, R::kUnspecified, true},
    {"UIS", "Unidentified state actor", K::kOther, R::kUnspecified, false},
    {"AGR", "Agriculture", K::kOther, R::kUnspecified, false},
    {"BUS", "Business", K::kOther, R::kUnspecified, false},
    {"CRM", "Criminals", K::kOther, R::kUnspecified, false},
    {"CVL", "Civilians", K::kOther, R::kUnspecified, false},
    {"DEV", "Development", K::kOther, R::kUnspecified, false},
    {"EDU", "Education", K::kOther, R::kUnspecified, false},
    {"ELI", "Elites", K::kOther, R::kUnspecified, false},
    {"ENV", "Environmental groups", K::kOther, R::kUnspecified, false},
    {"HLH", "Health", K::kOther, R::kUnspecified, false},
    {"LAB", "Labor", K::kOther, R::kUnspecified, false},
    {"MED", "Media", K::kOther, R::kUnspecified, false},
    {"REF", "Refugees", K::kOther, R::kUnspecified, false},
    {"SET", "Settlers", K::kOther, R::kUnspecified, false},
}};

// ICEWS names sector agents "<Label> (<Country>)"; these labels have a CAMEO type.
struct Label {
  std::string_view label;  // lower case
  std::string_view code;
};
constexpr std::array<Label, 37> kLabels = {{
    {"government", "GOV"},
    {"military", "MIL"},
    {"armed forces", "MIL"},
    {"army", "MIL"},
    {"police", "COP"},
    {"police forces", "COP"},
    {"intelligence", "SPY"},
    {"judiciary", "JUD"},
    {"court", "JUD"},
    {"legislature", "LEG"},
    {"parliament", "LEG"},
    {"rebel", "REB"},
    {"rebels", "REB"},
    {"armed rebel", "REB"},
    {"rebel group", "REB"},
    {"insurgent", "INS"},
    {"insurgents", "INS"},
    {"separatist", "SEP"},
    {"separatists", "SEP"},
    {"militia", "UAF"},
    {"militant", "UAF"},
    {"armed gang", "UAF"},
    {"opposition", "OPP"},
    {"opposition activist", "OPP"},
    {"political party", "PTY"},
    {"citizen", "CVL"},
    {"civilian", "CVL"},
    {"civilians", "CVL"},
    {"media", "MED"},
    {"journalist", "MED"},
    {"business", "BUS"},
    {"criminal", "CRM"},
    {"refugee", "REF"},
    {"refugees", "REF"},
    {"ngo", "NGO"},
    {"peacekeeper", "PKO"},
    {"peacekeepers", "PKO"},
}};

struct Region {
  std::string_view code;
  std::string_view name;
};
// CAMEO's regional "country" codes: places, not states.
constexpr std::array<Region, 25> kRegions = {{
    {"AFR", "Africa"},          {"ASA", "Asia"},           {"BLK", "Balkans"},
    {"CAS", "Central Asia"},    {"CAU", "Caucasus"},       {"CEU", "Central Europe"},
    {"CFR", "Central Africa"},  {"CRB", "Caribbean"},      {"EAF", "Eastern Africa"},
    {"EEU", "Eastern Europe"},  {"EIN", "East Indies"},    {"EUR", "Europe"},
    {"LAM", "Latin America"},   {"MDT", "Mediterranean"},  {"MEA", "Middle East"},
    {"NAF", "North Africa"},    {"NMR", "North America"},  {"PGS", "Persian Gulf"},
    {"SAF", "Southern Africa"}, {"SAM", "South America"},  {"SAS", "South Asia"},
    {"SCN", "Scandinavia"},     {"SEA", "Southeast Asia"}, {"WAF", "West Africa"},
    {"WST", "The West"},
}};

// Retired ISO codes and CAMEO's own territory codes that older coders still emit.
constexpr std::array<Region, 5> kLegacyCountries = {{
    {"ROM", "ROU"},
    {"ZAR", "COD"},
    {"TMP", "TLS"},
    {"WSB", "PSE"},
    {"GZS", "PSE"},
}};

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

int RootOf(std::string_view digits) { return (digits[0] - '0') * 10 + (digits[1] - '0'); }

std::string Upper(std::string_view code) {
  return absl::AsciiStrToUpper(std::string(code.substr(0, 8)));
}

}  // namespace

std::string NormalizeCameoCode(std::string_view code) {
  while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
  while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
  if (!AllDigits(code) || code.size() < 2 || code.size() > 4) return "";
  std::string c(code);
  if (c.size() == 2) c.insert(0, 1, '0');
  if (c.size() == 3 && (RootOf(c) < 1 || RootOf(c) > 20)) c.insert(0, 1, '0');
  if (RootOf(c) < 1 || RootOf(c) > 20) return "";
  return c;
}

int CameoRoot(std::string_view code) { return code.size() >= 2 ? RootOf(code) : 0; }

RelationKind KindOfCameo(std::string_view code, bool extended) {
  auto starts = [&](std::string_view p) { return code.substr(0, p.size()) == p; };
  switch (CameoRoot(code)) {
    case 3:
      return R::kSupport;
    case 4:
      return starts("045") || starts("046") ? R::kMediate : R::kMeet;
    case 5:
      return starts("057") ? R::kCooperate : R::kSupport;
    case 6:
      return starts("062") ? R::kAid : R::kCooperate;
    case 7:
      return R::kAid;
    case 8:
      return extended ? R::kCooperate : R::kUnspecified;
    case 9:
    case 10:
    case 14:
      return extended ? R::kCriticize : R::kUnspecified;
    case 11:
      return R::kCriticize;
    case 12:
      return R::kReject;
    case 13:
    case 15:
      return R::kThreaten;
    case 16:
    case 17:
      return R::kSanction;
    case 18:
    case 19:
    case 20:
      return R::kFight;
    default:
      return R::kUnspecified;
  }
}

const ActorType* FindActorType(std::string_view code) {
  if (code.size() != 3) return nullptr;
  const std::string upper = Upper(code);
  for (const ActorType& t : kTypes) {
    if (t.code == upper) return &t;
  }
  return nullptr;
}

const ActorType* ActorTypeForLabel(std::string_view label) {
  std::string folded;
  for (char c : label) {
    const bool space = c == ' ' || c == '\t' || c == '_' || c == '-';
    if (space) {
      if (!folded.empty() && folded.back() != ' ') folded.push_back(' ');
    } else {
      folded.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!folded.empty() && folded.back() == ' ') folded.pop_back();
  for (const Label& l : kLabels) {
    if (l.label == folded) return FindActorType(l.code);
  }
  return nullptr;
}

std::string_view CameoRegionName(std::string_view code) {
  if (code.size() != 3) return "";
  const std::string upper = Upper(code);
  for (const Region& r : kRegions) {
    if (r.code == upper) return r.name;
  }
  return "";
}

std::string IsoFromCameoCountry(std::string_view code) {
  std::string upper = Upper(code);
  for (const Region& r : kLegacyCountries) {
    if (r.code == upper) return std::string(r.name);
  }
  return upper;
}

}  // namespace actorgraph::import
