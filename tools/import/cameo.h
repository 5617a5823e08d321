// CAMEO vocabulary for importing event data: event codes -> relation kinds (DESIGN.md's
// roots table), actor type codes -> actor kinds and roles, CAMEO region and legacy country
// codes, ICEWS agent labels. Static tables; thread-safe.
#ifndef ACTORGRAPH_TOOLS_IMPORT_CAMEO_H_
#define ACTORGRAPH_TOOLS_IMPORT_CAMEO_H_

#include <string>
#include <string_view>

#include "graph/types.h"

namespace actorgraph::import {

// A CAMEO event code in its canonical form: 3 or 4 digits whose first two (the root) are
// 01..20. Repairs codes that lost their leading zero in a spreadsheet or CSV round trip
// ("42" -> "042", "311" -> "0311"). Returns "" when `code` is not a CAMEO event code.
std::string NormalizeCameoCode(std::string_view code);

// The root (1..20) of a code that NormalizeCameoCode accepted.
int CameoRoot(std::string_view normalized_code);

// The relation kind of a normalized CAMEO code by DESIGN.md's table: 03/05 SUPPORT (057
// COOPERATE), 04 MEET (045/046 MEDIATE), 06 COOPERATE (062 AID), 07 AID, 11 CRITICIZE,
// 12 REJECT, 13/15 THREATEN, 16/17 SANCTION, 18/19/20 FIGHT. Roots 01, 02, 08, 09, 10 and 14
// have no kind (kUnspecified), except with `extended`: 08 COOPERATE, 09/10/14 CRITICIZE.
RelationKind KindOfCameo(std::string_view normalized_code, bool extended);

// What a CAMEO actor type code ("GOV", "REB", "IGO") says about an actor.
struct ActorType {
  std::string_view code;   // "GOV"
  std::string_view label;  // "Government": the display name is "Government (Russia)"
  ActorKind kind;          // GOVERNMENT, ARMED_GROUP, IGO, ...
  RelationKind role;       // kLeads / kMemberOf its state, or kUnspecified (no role)
  bool organisation;       // names one organisation even without a country (IGO, NGO, UNO)
};

// The type for a code (any case), or nullptr for codes not in CAMEO's type list.
const ActorType* FindActorType(std::string_view code);

// The type for an ICEWS generic agent label ("Government", "Police", "Armed Rebel", any
// case), as in "Government (Libya)"; nullptr for labels with no CAMEO type.
const ActorType* ActorTypeForLabel(std::string_view label);

// CAMEO region codes ("AFR" -> "Africa", "WST" -> "The West"); "" for anything else.
std::string_view CameoRegionName(std::string_view code);

// ISO 3166-1 alpha-3 for a CAMEO country code: the same code, except for retired or
// CAMEO-only codes ("ROM" -> "ROU", "ZAR" -> "COD", "WSB"/"GZS" -> "PSE"). Upper case.
std::string IsoFromCameoCountry(std::string_view code);

}  // namespace actorgraph::import

#endif  // ACTORGRAPH_TOOLS_IMPORT_CAMEO_H_
