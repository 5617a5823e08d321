#include "tools/extract/dictionary.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "graph/actor_jsonl.h"
#include "tools/extract/strings.h"

namespace actorgraph::extract {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

// Generic short descriptions by actor kind: "the rebels" for the last armed group named.
const std::vector<std::string_view>& KindDescriptions(ActorKind kind) {
  static const std::vector<std::string_view> kArmed = {
      "rebels", "militants", "militia", "group", "insurgents", "jihadists", "fighters",
      "movement", "rebel group", "militant group", "armed group", "insurgent group"};
  static const std::vector<std::string_view> kIgo = {"organisation", "organization", "bloc",
                                                      "body", "alliance"};
  static const std::vector<std::string_view> kNone = {};
  switch (kind) {
    case ActorKind::kArmedGroup: return kArmed;
    case ActorKind::kIgo: return kIgo;
    default: return kNone;
  }
}

// English function words by class. Grammar, not content: nothing here names an actor.
struct WordClassList {
  uint32_t cls;
  std::vector<std::string_view> words;
};
const std::vector<WordClassList>& FunctionWords() {
  static const auto* kLists = new std::vector<WordClassList>{
      {kWcAux, {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
                "having", "am", "'s", "do", "does", "did", "get", "got", "gets"}},
      {kWcModal, {"could", "would", "might", "may", "should", "can", "must", "ought"}},
      {kWcFuture, {"will", "shall", "'ll"}},
      {kWcNeg, {"not", "n't", "never", "no", "without", "neither", "nor", "cannot", "nobody",
                "none"}},
      {kWcAdverb,
       {"also",       "already",    "reportedly", "recently",  "now",         "still",
        "immediately", "previously", "then",      "once",      "repeatedly",  "openly",
        "publicly",   "strongly",   "allegedly",  "further",   "again",       "even",
        "just",       "meanwhile",  "finally",    "quickly",   "directly",    "actively",
        "jointly",    "formally",   "officially", "effectively", "largely",   "widely",
        "long",       "later",      "swiftly",    "firmly",    "fiercely",    "sharply",
        "heavily",    "secretly",   "quietly",    "explicitly", "vehemently", "reluctantly",
        "initially",  "subsequently", "eventually", "earlier",  "today",      "yesterday",
        "reportedly", "allegedly",  "apparently", "increasingly", "continuously", "first",
        "personally", "only",       "ever",       "too",        "unilaterally", "bitterly",
        "angrily",    "staunchly",  "consistently", "always",   "militarily", "politically",
        "diplomatically", "financially", "verbally", "thus",    "so",         "however",
        "newly",      "freshly",    "heavily",    "tacitly",   "covertly"}},
      {kWcBoundary,
       {";", ":", "but", "while", "whereas", "although", "though", "because", "yet", "(",
        ")", "[", "]", "-"}},
      {kWcRelPron, {"which", "who", "whom", "whose"}},
      {kWcLocPrep,
       {"in", "at", "near", "inside", "outside", "across", "into", "around", "throughout",
        "within", "toward", "towards", "via", "over", "off", "beyond", "through", "onto"}},
      {kWcPronPerson, {"he", "him", "his", "she", "her", "himself", "herself"}},
      {kWcPronThing, {"it", "its", "they", "them", "their", "itself", "themselves"}},
      {kWcPossPron, {"his", "her", "its", "their"}},
      {kWcDet,
       {"the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their",
        "our", "some", "any", "both", "all", "several", "many", "more", "other", "another",
        "own", "new", "main", "key", "chief", "top", "senior", "former", "de", "facto",
        "powerful", "political", "military", "staunch", "close", "major", "traditional",
        "foreign", "regional", "international", "external", "western", "eastern", "rival",
        "longtime", "long-time", "biggest", "principal", "primary", "leading", "strongest"}},
      {kWcConj, {"and", "or", ",", "&"}},
      {kWcIf, {"if", "unless", "whether", "lest"}},
      {kWcSay,
       {"said", "says", "say", "saying", "told", "tells", "added", "stated", "announced",
        "declared", "insisted", "claimed", "argued", "noted", "wrote", "tweeted", "according"}},
      {kWcTitle,
       {"mr", "mrs", "ms", "dr", "president", "general", "gen", "field", "marshal", "prime",
        "minister", "foreign", "secretary", "chancellor", "king", "queen", "prince", "crown",
        "sheikh", "emir", "sultan", "colonel", "col", "commander", "premier", "ayatollah",
        "supreme", "leader", "state", "defence", "defense", "vice", "deputy", "senator", "sen",
        "ambassador", "envoy", "special", "representative", "spokesman", "spokeswoman",
        "spokesperson", "lt", "lieutenant", "major", "maj", "admiral", "adm", "brigadier",
        "marshall", "sir", "lord", "lady", "pope", "his", "her", "majesty", "excellency",
        "chairman", "chairwoman", "head", "interior", "security", "council"}},
      {kWcQuote, {"\"", "'"}},
      {kWcOrg,
       {"forces", "force", "government", "troops", "army", "military", "navy", "officials",
        "authorities", "administration", "regime", "diplomats", "ministry", "militia",
        "militias", "fighters", "soldiers", "leadership", "side", "delegation", "junta",
        "cabinet", "parliament", "state", "units", "air", "jets", "warplanes", "drones",
        "mercenaries", "backers", "allies", "officers", "police", "embassy"}},
  };
  return *kLists;
}

std::string ReadWholeFile(const fs::path& p, bool& ok) {
  std::ifstream in(p, std::ios::binary);
  ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Case requirement of one alias token.
uint8_t CaseRequirement(const Token& t) {
  if (t.flags & kAllCaps) return 2;
  if (t.flags & kCap) return 1;
  return 0;
}

bool CaseOk(const Token& t, uint8_t req) {
  switch (req) {
    case 0: return true;
    case 1: return (t.flags & kCap) != 0;
    default: return (t.flags & kAllCaps) != 0;
  }
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

struct Irregular {
  std::string_view base, past, participle;
};
constexpr Irregular kIrregular[] = {
    {"send", "sent", "sent"},          {"meet", "met", "met"},
    {"hold", "held", "held"},          {"fight", "fought", "fought"},
    {"lead", "led", "led"},            {"give", "gave", "given"},
    {"take", "took", "taken"},         {"strike", "struck", "struck"},
    {"seek", "sought", "sought"},      {"speak", "spoke", "spoken"},
    {"withdraw", "withdrew", "withdrawn"}, {"break", "broke", "broken"},
    {"shoot", "shot", "shot"},         {"sell", "sold", "sold"},
    {"tell", "told", "told"},          {"say", "said", "said"},
    {"win", "won", "won"},             {"beat", "beat", "beaten"},
    {"bring", "brought", "brought"},   {"buy", "bought", "bought"},
    {"freeze", "froze", "frozen"},     {"forbid", "forbade", "forbidden"},
    {"split", "split", "split"},       {"cut", "cut", "cut"},
    {"put", "put", "put"},             {"set", "set", "set"},
    {"shut", "shut", "shut"},          {"hit", "hit", "hit"},
    {"let", "let", "let"},             {"drive", "drove", "driven"},
    {"stand", "stood", "stood"},       {"throw", "threw", "thrown"},
    {"keep", "kept", "kept"},          {"lend", "lent", "lent"},
    {"spend", "spent", "spent"},       {"build", "built", "built"},
    {"begin", "began", "begun"},       {"come", "came", "come"},
    {"go", "went", "gone"},            {"overrun", "overran", "overrun"},
    {"bid", "bid", "bid"},             {"oversee", "oversaw", "overseen"},
    {"rise", "rose", "risen"},         {"teach", "taught", "taught"},
    {"feed", "fed", "fed"},            {"flee", "fled", "fled"},
    {"swear", "swore", "sworn"},       {"tear", "tore", "torn"},
    {"write", "wrote", "written"},     {"uphold", "upheld", "upheld"},
    {"shake", "shook", "shaken"},      {"sign", "signed", "signed"},
    {"do", "did", "done"},             {"make", "made", "made"},
    {"see", "saw", "seen"},            {"draw", "drew", "drawn"},
    {"blow", "blew", "blown"},         {"bind", "bound", "bound"},
    {"find", "found", "found"},        {"leave", "left", "left"},
    {"lose", "lost", "lost"},          {"pay", "paid", "paid"},
    {"lay", "laid", "laid"},           {"arise", "arose", "arisen"},
    {"undertake", "undertook", "undertaken"}, {"shed", "shed", "shed"},
    {"spread", "spread", "spread"},    {"slay", "slew", "slain"},
    {"fly", "flew", "flown"},          {"steal", "stole", "stolen"},
    {"seize", "seized", "seized"},     {"forgive", "forgave", "forgiven"},
    {"override", "overrode", "overridden"}, {"hang", "hanged", "hanged"},
    {"grind", "ground", "ground"},     {"outlaw", "outlawed", "outlawed"},
    {"beset", "beset", "beset"},       {"upset", "upset", "upset"},
    {"broadcast", "broadcast", "broadcast"}, {"thrust", "thrust", "thrust"},
};

bool ShouldDouble(std::string_view w) {
  size_t n = w.size();
  if (n < 3) return false;
  char a = w[n - 3], b = w[n - 2], c = w[n - 1];
  if (IsVowel(a) || !IsVowel(b) || IsVowel(c) || c == 'w' || c == 'x' || c == 'y') return false;
  // One vowel group only (ban, slam, stop), or a stressed final syllable we list.
  int groups = 0;
  bool in_vowel = false;
  for (char ch : w) {
    bool v = IsVowel(ch) || ch == 'y';
    if (v && !in_vowel) ++groups;
    in_vowel = v;
  }
  static constexpr std::string_view kStressedFinal[] = {
      "commit", "regret", "control", "patrol", "compel", "expel", "rebel", "propel",
      "admit",  "submit", "permit",  "omit",   "refer",  "prefer", "deter", "confer",
      "embed",  "abet",   "acquit",  "equip",  "occur",  "transfer", "incur"};
  if (groups == 1) return true;
  return std::find(std::begin(kStressedFinal), std::end(kStressedFinal), w) !=
         std::end(kStressedFinal);
}

}  // namespace

VerbForms InflectVerb(std::string_view base_in) {
  std::string base(base_in);
  VerbForms f;
  f.base = base;
  size_t n = base.size();
  auto ends = [&](std::string_view s) { return absl::EndsWith(base, AV(s)); };
  // Third person.
  if (ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") || ends("o")) {
    f.third = base + "es";
  } else if (n >= 2 && base[n - 1] == 'y' && !IsVowel(base[n - 2])) {
    f.third = base.substr(0, n - 1) + "ies";
  } else {
    f.third = base + "s";
  }
  // Gerund.
  bool dbl = ShouldDouble(base);
  if (ends("ie")) {
    f.gerund = base.substr(0, n - 2) + "ying";
  } else if (ends("e") && !ends("ee") && !ends("ye") && !ends("oe") && n > 2) {
    f.gerund = base.substr(0, n - 1) + "ing";
  } else if (dbl) {
    f.gerund = base + base.back() + "ing";
  } else {
    f.gerund = base + "ing";
  }
  for (const Irregular& irr : kIrregular) {
    if (irr.base == base) {
      f.past = irr.past;
      f.participle = irr.participle;
      return f;
    }
  }
  if (ends("e")) {
    f.past = base + "d";
  } else if (n >= 2 && base[n - 1] == 'y' && !IsVowel(base[n - 2])) {
    f.past = base.substr(0, n - 1) + "ied";
  } else if (dbl) {
    f.past = base + base.back() + "ed";
  } else {
    f.past = base + "ed";
  }
  f.participle = f.past;
  return f;
}

std::string PluralNoun(std::string_view noun_in) {
  std::string noun(noun_in);
  size_t n = noun.size();
  if (n == 0) return noun;
  if (absl::EndsWith(noun, "s") || absl::EndsWith(noun, "x") || absl::EndsWith(noun, "ch") ||
      absl::EndsWith(noun, "sh")) {
    return noun + "es";
  }
  if (n >= 2 && noun[n - 1] == 'y' && !IsVowel(noun[n - 2])) return noun.substr(0, n - 1) + "ies";
  return noun + "s";
}

int32_t Dictionary::Intern(std::string_view folded) {
  auto it = vocab_.find(AV(folded));
  if (it != vocab_.end()) return it->second;
  int32_t id = static_cast<int32_t>(word_classes_.size());
  vocab_.emplace(std::string(folded), id);
  word_classes_.push_back(0);
  return id;
}

void Dictionary::AssignVocab(Tokens& tokens) const {
  for (Token& t : tokens.tokens) t.vocab = VocabId(tokens.FoldedText(t));
}

int Dictionary::FindActor(std::string_view id) const {
  auto it = actor_index_.find(AV(id));
  return it == actor_index_.end() ? -1 : it->second;
}

absl::Status Dictionary::AddSurface(std::string_view text, int actor, SurfaceType type) {
  Tokens toks;
  Tokenize(text, 0, static_cast<uint32_t>(text.size()), toks);
  // A leading "the" is optional in text and matched outside the trie.
  size_t first = 0;
  if (!toks.tokens.empty() && toks.FoldedText(toks.tokens[0]) == "the") first = 1;
  if (first >= toks.tokens.size()) return absl::OkStatus();
  int32_t node = 0;
  for (size_t i = first; i < toks.tokens.size(); ++i) {
    const Token& t = toks.tokens[i];
    int32_t w = Intern(toks.FoldedText(t));
    uint8_t req = CaseRequirement(t);
    // Single short lower-case-able words need their case: "Chad", "Niger", "Jordan".
    auto key = EdgeKey(node, w);
    auto it = actor_edges_.find(key);
    if (it == actor_edges_.end()) {
      int32_t child = static_cast<int32_t>(actor_nodes_.size());
      actor_nodes_.emplace_back();
      actor_edges_.emplace(key, Edge{child, req});
      node = child;
    } else {
      it->second.case_req = std::min(it->second.case_req, req);
      node = it->second.child;
    }
  }
  auto& payload = actor_nodes_[node];
  for (const Surface& s : payload) {
    if (s.actor == actor) return absl::OkStatus();
  }
  payload.push_back({actor, type});
  return absl::OkStatus();
}

absl::Status Dictionary::AddActorLine(std::string_view line, std::string_view origin) {
  auto actor = ParseActorLine(line);
  if (!actor.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(AV(origin), ": ", actor.status().message()));
  }
  if (actor_index_.contains(actor->id)) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(origin), ": actor id \"", actor->id, "\" is defined twice"));
  }
  ActorInfo info;
  info.actor = std::move(*actor);
  info.origin = std::string(origin);
  json j = json::parse(line.begin(), line.end(), nullptr, false);
  for (const char* field : {"demonyms", "metonyms"}) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_array()) {
      return absl::InvalidArgumentError(
          absl::StrCat(AV(origin), ": field \"", field, "\" must be an array of strings"));
    }
    for (const json& x : *it) {
      if (!x.is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(AV(origin), ": field \"", field, "\" must be an array of strings"));
      }
      (std::string_view(field) == "demonyms" ? info.demonyms : info.metonyms)
          .push_back(x.get<std::string>());
    }
  }
  if (auto it = j.find("descriptions"); it != j.end() && it->is_array()) {
    for (const json& x : *it) {
      if (x.is_string()) info.descriptions.push_back(Fold(x.get<std::string>()));
    }
  }
  if (auto it = j.find("capital"); it != j.end() && it->is_string()) {
    info.capital = it->get<std::string>();
  } else if (info.actor.kind == ActorKind::kState && !info.metonyms.empty()) {
    info.capital = info.metonyms[0];
  }
  if (auto it = j.find("auto_surname"); it != j.end() && it->is_boolean()) {
    info.auto_surname = it->get<bool>();
  }
  actor_index_.emplace(info.actor.id, static_cast<int>(actors_.size()));
  actors_.push_back(std::move(info));
  return absl::OkStatus();
}

absl::Status Dictionary::AddLexiconLine(std::string_view line, std::string_view origin) {
  json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(AV(origin), ": not a JSON object"));
  }
  auto str = [&](const char* f) -> std::string {
    auto it = j.find(f);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (j.contains("role")) {
    RolePhrase r;
    r.origin = std::string(origin);
    r.title = str("title");
    if (auto it = j.find("states"); it != j.end() && it->is_boolean()) r.of_states = it->get<bool>();
    for (auto w : absl::StrSplit(Fold(str("role")), ' ', absl::SkipWhitespace())) {
      r.words.emplace_back(w);
    }
    if (r.words.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(AV(origin), ": field \"role\" is empty"));
    }
    roles_.push_back(std::move(r));
    return absl::OkStatus();
  }
  Pattern p;
  p.origin = std::string(origin);
  p.text = str("pattern");
  if (p.text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(origin), ": needs \"pattern\" (a relation pattern) or \"role\""));
  }
  for (auto w : absl::StrSplit(Fold(p.text), ' ', absl::SkipWhitespace())) p.words.emplace_back(w);
  auto kind = ParseRelationKind(str("kind"));
  if (!kind || *kind == RelationKind::kLeads || *kind == RelationKind::kMemberOf) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(origin), ": field \"kind\" must be a signed relation kind, got \"",
                     str("kind"), "\""));
  }
  p.kind = *kind;
  const KindInfo& info = Info(p.kind);
  p.cameo = str("cameo");
  if (p.cameo.empty()) p.cameo = std::string(info.cameo_root);
  p.weight = info.default_weight;
  if (auto it = j.find("weight"); it != j.end() && it->is_number()) {
    p.weight = it->get<double>();
    if (p.weight * info.sign < 0 || std::abs(p.weight) > 10) {
      return absl::InvalidArgumentError(
          absl::StrCat(AV(origin), ": field \"weight\" must lie in [-10, 10] with the sign of ",
                       AV(info.name)));
    }
  }
  if (auto it = j.find("symmetric"); it != j.end() && it->is_boolean()) p.symmetric = it->get<bool>();
  if (auto it = j.find("implicit_target"); it != j.end() && it->is_boolean()) {
    p.implicit_target = it->get<bool>();
  }
  if (auto it = j.find("direct_object"); it != j.end() && it->is_boolean()) {
    p.direct_object = it->get<bool>();
  }
  if (auto it = j.find("place_target"); it != j.end() && it->is_boolean()) {
    p.place_target = it->get<bool>();
  }
  if (auto it = j.find("destination"); it != j.end() && it->is_boolean()) {
    p.destination = it->get<bool>();
  }
  if (auto it = j.find("pairs_only"); it != j.end() && it->is_boolean()) {
    p.pairs_only = it->get<bool>();
  }
  std::string pos = absl::AsciiStrToLower(str("pos"));
  if (pos.empty() || pos == "verb") {
    p.pos = PatternPos::kVerb;
  } else if (pos == "noun") {
    p.pos = PatternPos::kNoun;
  } else if (pos == "agent") {
    p.pos = PatternPos::kAgent;
  } else if (pos == "phrase") {
    p.pos = PatternPos::kPhrase;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(origin), ": field \"pos\" must be verb, noun, agent or phrase"));
  }
  if (auto it = j.find("not_before"); it != j.end() && it->is_array()) {
    for (const json& x : *it) {
      if (x.is_string()) p.not_before.push_back(Fold(x.get<std::string>()));
    }
  }
  p.gap = p.pos == PatternPos::kVerb ? 3 : p.pos == PatternPos::kPhrase ? 0 : 1;
  if (auto it = j.find("gap"); it != j.end() && it->is_number_integer()) {
    p.gap = std::clamp(it->get<int>(), 0, 6);
  }
  patterns_.push_back(std::move(p));
  return absl::OkStatus();
}

void Dictionary::AddRoleTrie(const std::vector<std::string>& words, int role) {
  int32_t node = 0;
  for (const std::string& w : words) {
    int32_t id = Intern(w);
    auto key = EdgeKey(node, id);
    auto it = role_edges_.find(key);
    if (it == role_edges_.end()) {
      int32_t child = static_cast<int32_t>(role_nodes_.size());
      role_nodes_.push_back(-1);
      role_edges_.emplace(key, child);
      node = child;
    } else {
      node = it->second;
    }
  }
  if (role_nodes_[node] < 0) role_nodes_[node] = role;
}

absl::Status Dictionary::Finalize() {
  if (finalized_) return absl::FailedPreconditionError("Finalize called twice");
  finalized_ = true;
  for (const WordClassList& l : FunctionWords()) {
    for (std::string_view w : l.words) word_classes_[Intern(w)] |= l.cls;
  }
  // Verbs after which "to VERB" states an intention, a demand or a refusal, not a fact.
  for (std::string_view v :
       {"threaten", "vow", "pledge", "promise", "plan", "want", "seek", "hope", "intend",
        "aim", "urge", "call", "ask", "refuse", "decline", "fail", "try", "attempt", "wish",
        "offer", "propose", "prepare", "expect", "warn", "demand", "press", "push", "consider",
        "weigh", "mull", "appeal", "invite", "encourage", "request", "need", "like", "plot",
        "scheme", "struggle", "be", "seem", "appear"}) {
    VerbForms f = InflectVerb(v);
    for (const std::string* form : {&f.base, &f.third, &f.past, &f.participle, &f.gerund}) {
      word_classes_[Intern(*form)] |= kWcIrrealis;
    }
  }
  for (std::string_view w : {"ready", "willing", "prepared", "able", "eager", "keen", "poised",
                             "set", "due", "likely", "unlikely", "going", "demand",
                             "demands", "request", "requests", "appeal", "appeals", "offer",
                             "offers", "proposal", "plans", "bid", "threat", "threats", "attempt", "attempts",
                             "efforts", "effort", "pledge", "promise", "call", "calls",
                             "readiness", "willingness", "intention"}) {
    word_classes_[Intern(w)] |= kWcIrrealis;
  }
  for (std::string_view w : {"of", "with", "to", "for", "against", "on", "by", "from",
                             "about", "between", "among", "than", "like", "under", "upon"}) {
    word_classes_[Intern(w)] |= kWcPrep;
  }
  actor_nodes_.assign(1, {});
  role_nodes_.assign(1, -1);
  // Surnames of people, unless two people share one (then only explicit aliases count).
  absl::flat_hash_map<std::string, int> surname_count;
  auto surname_of = [](const Actor& a) -> std::string {
    if (a.kind != ActorKind::kPerson) return "";
    std::vector<std::string> parts = absl::StrSplit(a.name, ' ', absl::SkipWhitespace());
    if (parts.size() < 2) return "";
    std::string last = parts.back();
    // "al-Sarraj" -> also "Sarraj"
    return last.size() >= 4 ? last : "";
  };
  for (const ActorInfo& a : actors_) {
    std::string s = surname_of(a.actor);
    if (!s.empty()) ++surname_count[Fold(s)];
  }
  for (int i = 0; i < static_cast<int>(actors_.size()); ++i) {
    const ActorInfo& a = actors_[i];
    absl::Status s = AddSurface(a.actor.name, i, SurfaceType::kName);
    if (!s.ok()) return s;
    for (const std::string& al : a.actor.aliases) {
      if (!(s = AddSurface(al, i, SurfaceType::kName)).ok()) return s;
    }
    for (const std::string& d : a.demonyms) {
      if (!(s = AddSurface(d, i, SurfaceType::kDemonym)).ok()) return s;
    }
    for (const std::string& m : a.metonyms) {
      if (!(s = AddSurface(m, i, SurfaceType::kMetonym)).ok()) return s;
    }
    std::string sur = a.auto_surname ? surname_of(a.actor) : "";
    if (!sur.empty() && surname_count[Fold(sur)] == 1) {
      AddSurface(sur, i, SurfaceType::kName).IgnoreError();
      // "al-Sarraj" / "el-Sisi" also without the article.
      for (std::string_view pre : {"al-", "el-", "Al-", "El-", "ad-", "as-", "an-"}) {
        if (absl::StartsWith(sur, AV(pre)) && sur.size() > pre.size() + 2) {
          AddSurface(sur.substr(pre.size()), i, SurfaceType::kName).IgnoreError();
        }
      }
    }
  }
  for (int r = 0; r < static_cast<int>(roles_.size()); ++r) AddRoleTrie(roles_[r].words, r);
  // Short descriptions: explicit ones, role titles, and the generic words by kind.
  for (const ActorInfo& a : actors_) {
    for (const std::string& d : a.descriptions) description_phrases_.insert(d);
    for (const Role& r : a.actor.roles) {
      if (!r.title.empty()) description_phrases_.insert(Fold(r.title));
    }
  }
  for (ActorKind k : {ActorKind::kArmedGroup, ActorKind::kIgo}) {
    for (std::string_view d : KindDescriptions(k)) description_phrases_.insert(std::string(d));
  }
  for (int p = 0; p < static_cast<int>(patterns_.size()); ++p) {
    for (const std::string& w : patterns_[p].not_before) {
      patterns_[p].not_before_ids.push_back(Intern(w));
    }
    const Pattern& pat = patterns_[p];
    std::vector<std::pair<std::vector<std::string>, Form>> variants;
    if (pat.pos == PatternPos::kVerb) {
      VerbForms f = InflectVerb(pat.words[0]);
      auto with_first = [&](const std::string& w, Form form) {
        std::vector<std::string> ws = pat.words;
        ws[0] = w;
        variants.emplace_back(std::move(ws), form);
      };
      with_first(f.base, Form::kBase);
      with_first(f.third, Form::kThird);
      with_first(f.gerund, Form::kGerund);
      if (f.past == f.participle) {
        with_first(f.past, Form::kPastOrParticiple);
      } else {
        with_first(f.past, Form::kPast);
        with_first(f.participle, Form::kParticiple);
      }
      // British doubling of a final l: "quarrelled" beside "quarreled".
      if (absl::EndsWith(f.base, "l") && !absl::EndsWith(f.base, "ll") &&
          f.past == f.base + "ed") {
        with_first(f.base + "led", Form::kPastOrParticiple);
        with_first(f.base + "ling", Form::kGerund);
      }
    } else if (pat.pos == PatternPos::kPhrase) {
      variants.emplace_back(pat.words, Form::kBase);
    } else {
      // Nouns: the last word inflects.
      std::vector<std::string> pl = pat.words;
      pl.back() = PluralNoun(pl.back());
      variants.emplace_back(pat.words, Form::kNoun);
      if (pl.back() != pat.words.back()) variants.emplace_back(std::move(pl), Form::kNoun);
    }
    for (auto& [ws, form] : variants) {
      PatternVariant v;
      v.pattern = p;
      v.form = form;
      for (const std::string& w : ws) v.words.push_back(Intern(w));
      auto& list = variants_by_first_[v.words[0]];
      bool dup = false;
      for (const PatternVariant& o : list) {
        if (o.pattern == p && o.words == v.words) dup = true;
      }
      if (!dup) list.push_back(std::move(v));
    }
  }
  // Longest variants first so the matcher takes the most specific pattern.
  for (auto& [w, list] : variants_by_first_) {
    std::stable_sort(list.begin(), list.end(), [](const PatternVariant& a,
                                                  const PatternVariant& b) {
      return a.words.size() > b.words.size();
    });
  }
  for (int i = 0; i < static_cast<int>(actors_.size()); ++i) {
    const ActorInfo& a = actors_[i];
    if (a.actor.kind != ActorKind::kState) continue;
    if (!a.actor.country.empty()) state_by_iso_.try_emplace(a.actor.country, i);
    if (a.capital.empty()) continue;
    std::string cap = Fold(a.capital);
    int holder = i;
    for (int k = 0; k < static_cast<int>(actors_.size()) && holder == i; ++k) {
      for (const std::string& m : actors_[k].metonyms) {
        if (Fold(m) == cap) {
          holder = k;
          break;
        }
      }
    }
    capital_holder_[i] = holder;
  }
  for (int i = 0; i < static_cast<int>(actors_.size()); ++i) {
    const auto& roles = actors_[i].actor.roles;
    for (int r = 0; r < static_cast<int>(roles.size()); ++r) {
      int target = FindActor(roles[r].target);
      if (target < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(actors_[i].origin, ": role target \"", roles[r].target,
                         "\" is not a known actor id"));
      }
      holders_[target].emplace_back(i, r);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Dictionary> Dictionary::Load(const std::string& dir) {
  Dictionary d;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("dictionary folder \"", dir, "\" does not exist"));
  }
  for (const char* sub : {"actors", "lexicon"}) {
    fs::path folder = fs::path(dir) / sub;
    std::vector<fs::path> files;
    if (fs::is_directory(folder, ec)) {
      for (const auto& e : fs::directory_iterator(folder, ec)) {
        if (e.is_regular_file() && e.path().extension() == ".jsonl") files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      return absl::NotFoundError(
          absl::StrCat("dictionary folder \"", dir, "\" has no ", sub, "/*.jsonl files"));
    }
    for (const fs::path& f : files) {
      bool ok;
      std::string content = ReadWholeFile(f, ok);
      if (!ok) return absl::NotFoundError(absl::StrCat("cannot read ", f.string()));
      size_t line_no = 0;
      for (absl::string_view aline : absl::StrSplit(content, '\n')) {
        ++line_no;
        std::string_view line = SV(absl::StripAsciiWhitespace(aline));
        if (line.empty() || line[0] == '#' || absl::StartsWith(AV(line), "//")) continue;
        std::string origin = absl::StrCat(f.string(), ":", line_no);
        absl::Status s = std::string_view(sub) == "actors" ? d.AddActorLine(line, origin)
                                                           : d.AddLexiconLine(line, origin);
        if (!s.ok()) return s;
      }
    }
  }
  absl::Status s = d.Finalize();
  if (!s.ok()) return s;
  return d;
}

int Dictionary::MatchActor(const Tokens& tokens, size_t i, size_t end,
                           std::vector<Surface>& out) const {
  out.clear();
  int32_t node = 0;
  int best = 0;
  for (size_t k = i; k < end; ++k) {
    const Token& t = tokens.tokens[k];
    if (t.vocab < 0) break;
    // A name continues only through glued parts or spaces, never across punctuation.
    auto it = actor_edges_.find(EdgeKey(node, t.vocab));
    if (it == actor_edges_.end() || !CaseOk(t, it->second.case_req)) break;
    node = it->second.child;
    if (!actor_nodes_[node].empty()) {
      best = static_cast<int>(k - i + 1);
      out = actor_nodes_[node];
    }
  }
  // A match must not end inside a hyphenated word ("Turkey-Syria" is fine, "Iran-ian" no).
  return best;
}

int Dictionary::MatchRole(const Tokens& tokens, size_t i, size_t end, int& role) const {
  int32_t node = 0;
  int best = 0;
  for (size_t k = i; k < end; ++k) {
    const Token& t = tokens.tokens[k];
    if (t.vocab < 0) break;
    auto it = role_edges_.find(EdgeKey(node, t.vocab));
    if (it == role_edges_.end()) break;
    node = it->second;
    if (role_nodes_[node] >= 0) {
      best = static_cast<int>(k - i + 1);
      role = role_nodes_[node];
    }
  }
  return best;
}

bool Dictionary::EverServed(int person, int actor) const {
  if (person < 0 || actor < 0) return false;
  for (const Role& r : actors_[person].actor.roles) {
    if (FindActor(r.target) == actor) return true;
  }
  return false;
}

int Dictionary::SpeaksFor(int actor, Day day) const {
  if (actor < 0) return actor;
  for (const Role& r : actors_[actor].actor.roles) {
    if (r.HoldsOn(day)) {
      int t = FindActor(r.target);
      if (t >= 0) return t;
    }
  }
  return actor;
}

bool Dictionary::Describes(int actor, std::string_view phrase, Day day) const {
  const ActorInfo& a = actors_[actor];
  for (const std::string& d : a.descriptions) {
    if (d == phrase) return true;
  }
  for (const Role& r : a.actor.roles) {
    if (!r.title.empty() && r.HoldsOn(day) && Fold(r.title) == phrase) return true;
  }
  for (std::string_view d : KindDescriptions(a.actor.kind)) {
    if (d == phrase) return true;
  }
  return false;
}

int Dictionary::StateOf(std::string_view iso) const {
  auto it = state_by_iso_.find(AV(iso));
  return it == state_by_iso_.end() ? -1 : it->second;
}

int Dictionary::CapitalHolder(int state) const {
  auto it = capital_holder_.find(state);
  return it == capital_holder_.end() ? state : it->second;
}

int Dictionary::Holder(int actor, std::string_view title, Day day) const {
  auto it = holders_.find(actor);
  if (it == holders_.end()) return -1;
  for (const auto& [person, r] : it->second) {
    const Role& role = actors_[person].actor.roles[r];
    if (!role.HoldsOn(day) || day == kNoDate) continue;
    bool ok = title == "*" ? role.kind == RelationKind::kLeads
                           : absl::EqualsIgnoreCase(role.title, AV(title));
    if (ok) return person;
  }
  return -1;
}

std::string Dictionary::CountryOn(int actor, Day day) const {
  if (actor < 0) return "";
  const Actor& a = actors_[actor].actor;
  if (a.kind == ActorKind::kIgo) return "";
  if (a.kind == ActorKind::kPerson) {
    int s = SpeaksFor(actor, day);
    if (s != actor && !actors_[s].actor.country.empty()) return actors_[s].actor.country;
    if (s != actor && actors_[s].actor.kind == ActorKind::kIgo) return "";
  }
  return a.country;
}

}  // namespace actorgraph::extract
