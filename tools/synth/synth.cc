#include "tools/synth/synth.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "graph/errors.h"
#include "graph/strings.h"

namespace actorgraph::synth {
namespace {

// ---- Hashing: every per-actor and per-pair property is a pure function of the seed. --------

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t Hash(uint64_t seed, uint64_t salt, uint64_t value) {
  return Mix(Mix(seed ^ (salt * 0xd1b54a32d192ed03ULL)) ^ value);
}
double UnitOf(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

enum Salt : uint64_t {
  kSaltKind = 1,
  kSaltName,
  kSaltName2,
  kSaltHome,
  kSaltAlias,
  kSaltDrift,
  kSaltRng,
};

// ---- Actors --------------------------------------------------------------------------------

// The hubs (lowest indices) are states: about one actor in 40, at most 250 as in the world.
uint64_t StateCount(uint64_t actors) {
  const uint64_t s = actors / 40;
  return s < 1 ? 1 : (s > 250 ? 250 : s);
}

ActorKind KindOf(const SynthSpec& spec, uint64_t i) {
  if (i < StateCount(spec.actors)) return ActorKind::kState;
  const uint64_t p = Hash(spec.seed, kSaltKind, i) % 100;
  if (p < 40) return ActorKind::kPerson;
  if (p < 50) return ActorKind::kGovernment;
  if (p < 65) return ActorKind::kArmedGroup;
  if (p < 77) return ActorKind::kParty;
  if (p < 80) return ActorKind::kIgo;
  if (p < 92) return ActorKind::kNgo;
  return ActorKind::kOther;
}

// The state an actor belongs to: a state of its own bloc when the bloc has one.
uint64_t HomeState(const SynthSpec& spec, uint64_t i) {
  const uint64_t states = StateCount(spec.actors);
  if (i < states) return i;
  const uint64_t h = Hash(spec.seed, kSaltHome, i);
  const uint64_t bloc = i % spec.blocs;
  if (bloc < states) {
    const uint64_t in_bloc = (states - bloc + spec.blocs - 1) / spec.blocs;
    return bloc + (h % in_bloc) * spec.blocs;
  }
  return h % states;
}

// A pronounceable word of `syllables` syllables drawn from the bits of `h`.
void AppendWord(uint64_t h, int syllables, std::string& out) {
  static constexpr std::string_view kSyllables[32] = {
      "ka",  "ri",  "mon", "tal", "ve",  "sa", "dor", "lin", "bar", "ze", "nu",
      "qar", "hel", "mi",  "ra",  "tor", "be", "sha", "an",  "ost", "va", "nes",
      "kel", "dra", "ul",  "fen", "gor", "is", "lam", "pre", "zan", "or"};
  const size_t start = out.size();
  for (int k = 0; k < syllables; ++k) {
    out.append(kSyllables[h & 31]);
    h >>= 5;
  }
  out[start] = static_cast<char>(out[start] - 'a' + 'A');
}

void AppendStateName(const SynthSpec& spec, uint64_t state, std::string& out) {
  static constexpr std::string_view kSuffix[8] = {"ia",  "land", "stan",  "a",
                                                  "ora", "ene",  "istan", "ovia"};
  const uint64_t h = Hash(spec.seed, kSaltName, state);
  AppendWord(h, 2 + static_cast<int>((h >> 50) & 1), out);
  out.append(kSuffix[(h >> 56) & 7]);
}

template <size_t N>
std::string_view Pick(const std::string_view (&table)[N], uint64_t h) {
  return table[h % N];
}

void AppendName(const SynthSpec& spec, uint64_t i, std::string& out) {
  static constexpr std::string_view kOffices[] = {
      "Government",          "Ministry of Foreign Affairs",
      "Ministry of Defence", "Presidency",
      "Interior Ministry",   "Central Bank",
      "Parliament",          "Armed Forces"};
  static constexpr std::string_view kAdjectives[] = {
      "Southern", "Northern", "Free",    "Popular", "Revolutionary",
      "National", "United",   "Eastern", "Western", "Patriotic"};
  static constexpr std::string_view kGroups[] = {
      "Liberation Front", "Brigade", "Army",  "Resistance Movement",
      "Defence Forces",   "Militia", "Guard", "Salvation Front"};
  static constexpr std::string_view kParties[] = {" People's Party", " Democratic Party",
                                                  " Movement for Justice", " Labour Party",
                                                  " Reform Alliance"};
  static constexpr std::string_view kIgos[] = {" Cooperation Council", " Regional Union",
                                               " Development Bank", " Security Organisation"};
  static constexpr std::string_view kNgos[] = {" Relief Foundation", " Human Rights Watch",
                                               " Peace Institute", " Medical Aid"};
  static constexpr std::string_view kOthers[] = {" Oil Company", " Tribal Council", " Media Group",
                                                 " Shipping Line"};
  const uint64_t h = Hash(spec.seed, kSaltName2, i);
  const uint64_t word = Hash(spec.seed, kSaltName, i);
  switch (KindOf(spec, i)) {
    case ActorKind::kState:
      AppendStateName(spec, i, out);
      return;
    case ActorKind::kPerson:
      AppendWord(word, 2, out);
      out.push_back(' ');
      AppendWord(word >> 10, 2 + static_cast<int>(h & 1), out);
      return;
    case ActorKind::kGovernment:
      out.append(Pick(kOffices, h)).append(" of ");
      AppendStateName(spec, HomeState(spec, i), out);
      return;
    case ActorKind::kArmedGroup:
      if (h & 1) {
        out.append(Pick(kAdjectives, h >> 1)).push_back(' ');
        out.append(Pick(kGroups, h >> 8)).append(" of ");
        AppendStateName(spec, HomeState(spec, i), out);
      } else {
        AppendWord(word, 2, out);
        out.push_back(' ');
        out.append(Pick(kGroups, h >> 8));
      }
      return;
    case ActorKind::kParty:
      AppendWord(word, 2 + static_cast<int>(h & 1), out);
      out.append(Pick(kParties, h >> 1));
      return;
    case ActorKind::kIgo:
      AppendWord(word, 2, out);
      out.append(Pick(kIgos, h));
      return;
    case ActorKind::kNgo:
      AppendWord(word, 2, out);
      out.append(Pick(kNgos, h));
      return;
    default:
      AppendWord(word, 2, out);
      out.append(Pick(kOthers, h));
      return;
  }
}

// Three distinct letters per state: (state * 7919 + 1234) mod 26^3 is one to one because
// 7919 is prime to 26^3, and StateCount stays far below 26^3.
std::string StateCode(uint64_t state) {
  uint64_t c = (state * 7919 + 1234) % (26 * 26 * 26);
  std::string code(3, 'A');
  for (int k = 2; k >= 0; --k) {
    code[k] = static_cast<char>('A' + c % 26);
    c /= 26;
  }
  return code;
}

std::string CountryOf(const SynthSpec& spec, uint64_t i) {
  switch (KindOf(spec, i)) {
    case ActorKind::kIgo:
      return "";
    case ActorKind::kNgo:
      if (Hash(spec.seed, kSaltHome, i) >> 63) return "";
      break;
    default:
      break;
  }
  return StateCode(HomeState(spec, i));
}

// "SLF" for "Southern Liberation Front": the capitals of a multi-word name.
std::string Initials(std::string_view name) {
  std::string out;
  bool word_start = true;
  for (char c : name) {
    if (word_start && c >= 'A' && c <= 'Z') out.push_back(c);
    word_start = c == ' ';
  }
  return out.size() >= 2 ? out : "";
}

// ---- Relation kinds, CAMEO codes and sentence templates ------------------------------------

// One way of reporting a relation: its CAMEO code, Goldstein-style weight and a sentence
// template ({S} source name, {T} target name, {I} an issue, {O} an offence, {C} a crisis,
// {P} a place).
struct Template {
  std::string_view cameo;
  double weight;
  std::string_view text;
};
struct KindTemplates {
  RelationKind kind;
  int share;  // relative frequency among the kinds of its sign
  const Template* templates;
  int count;
};

constexpr Template kSupport[] = {{"050", 3.5, "{S} voiced support for {T} over {I}"},
                                 {"051", 3.4, "{S} praised {T} for its handling of {I}"},
                                 {"052", 3.5, "{S} defended {T} against criticism over {I}"},
                                 {"030", 4.0, "{S} pledged to work with {T} on {I}"}};
constexpr Template kAid[] = {{"070", 7.0, "{S} sent aid to {T} amid {C}"},
                             {"071", 7.4, "{S} granted a loan to {T} to ease {C}"},
                             {"072", 8.3, "{S} supplied weapons and drones to {T}"},
                             {"073", 7.4, "{S} delivered humanitarian aid to {T} after {C}"},
                             {"074", 8.5, "{S} deployed troops to protect {T}"}};
constexpr Template kCooperate[] = {{"057", 8.0, "{S} signed an agreement with {T} on {I}"},
                                   {"061", 6.4, "{S} expanded trade with {T}"},
                                   {"062", 7.4, "{S} held joint military exercises with {T}"},
                                   {"064", 7.0, "{S} agreed to share intelligence with {T}"}};
constexpr Template kMeet[] = {{"040", 1.0, "{S} held talks with {T} on {I}"},
                              {"042", 1.9, "{S} visited {T} for talks on {I}"},
                              {"043", 2.8, "{S} hosted a delegation from {T}"},
                              {"046", 1.0, "{S} opened negotiations with {T} over {I}"}};
constexpr Template kMediate[] = {{"045", 2.0, "{S} mediated between {T} and its rivals over {I}"},
                                 {"046", 2.0, "{S} brokered talks involving {T} on {I}"}};
constexpr Template kCriticize[] = {
    {"111", -2.0, "{S} condemned {T}'s handling of {I}"},
    {"111", -2.0, "{S} denounced {T} over {I}"},
    {"112", -2.0, "{S} accused {T} of {O}"},
    {"114", -2.4, "{S} lodged a formal complaint against {T} over {I}"}};
constexpr Template kReject[] = {{"120", -4.0, "{S} rejected a proposal by {T} on {I}"},
                                {"125", -5.0, "{S} refused to negotiate with {T} over {I}"},
                                {"123", -4.0, "{S} rejected {T}'s call for a ceasefire"},
                                {"128", -4.0, "{S} defied the demands of {T} over {I}"}};
constexpr Template kThreaten[] = {{"130", -4.4, "{S} threatened {T} with consequences over {I}"},
                                  {"138", -7.0, "{S} warned it could send troops against {T}"},
                                  {"131", -5.8, "{S} threatened to cut trade with {T}"},
                                  {"154", -7.2, "{S} massed forces on the border with {T}"}};
constexpr Template kSanction[] = {{"163", -8.0, "{S} imposed sanctions on {T} over {I}"},
                                  {"161", -4.0, "{S} cut diplomatic ties with {T}"},
                                  {"174", -5.0, "{S} expelled diplomats of {T}"},
                                  {"172", -5.0, "{S} froze the assets of {T}"}};
constexpr Template kFight[] = {{"190", -10.0, "{S} attacked positions held by {T} near {P}"},
                               {"193", -10.0, "{S} clashed with fighters of {T} near {P}"},
                               {"194", -10.0, "{S} shelled positions of {T} near {P}"},
                               {"195", -10.0, "{S} launched air strikes against {T} near {P}"},
                               {"183", -10.0, "{S} bombed a convoy of {T} near {P}"}};

template <size_t N>
constexpr KindTemplates Kind(RelationKind kind, int share, const Template (&t)[N]) {
  return {kind, share, t, static_cast<int>(N)};
}
constexpr KindTemplates kPositiveKinds[] = {
    Kind(RelationKind::kMeet, 35, kMeet), Kind(RelationKind::kSupport, 25, kSupport),
    Kind(RelationKind::kCooperate, 20, kCooperate), Kind(RelationKind::kAid, 12, kAid),
    Kind(RelationKind::kMediate, 8, kMediate)};
constexpr KindTemplates kNegativeKinds[] = {
    Kind(RelationKind::kCriticize, 35, kCriticize), Kind(RelationKind::kReject, 18, kReject),
    Kind(RelationKind::kThreaten, 17, kThreaten), Kind(RelationKind::kFight, 18, kFight),
    Kind(RelationKind::kSanction, 12, kSanction)};
constexpr int kShareTotal = 100;  // each table's shares sum to this

constexpr std::string_view kIssues[] = {
    "the border dispute",    "the ceasefire talks", "oil exports",    "the refugee crisis",
    "the disputed election", "the arms embargo",    "the peace plan", "maritime boundaries",
    "the prisoner exchange", "water rights",        "the blockade",   "the detained journalists"};
constexpr std::string_view kOffences[] = {
    "violating the ceasefire",  "arming militias",   "war crimes",
    "meddling in the election", "smuggling weapons", "human rights abuses"};
constexpr std::string_view kCrises[] = {"the floods",   "the drought",    "the currency crisis",
                                        "the fighting", "the earthquake", "the fuel shortage"};
constexpr std::string_view kPlaces[] = {"the capital", "the border",     "the port",
                                        "the airport", "the oil fields", "the coastal road"};
constexpr std::string_view kAttributions[] = {"officials said",   "state media reported",
                                              "a spokesman said", "according to a statement",
                                              "witnesses said",   "diplomats said"};
constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

void AppendNumber(uint64_t v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void AppendDate(Day day, std::string& out) {  // "14 March 2019"
  int y;
  unsigned m, d;
  CivilFromDay(day, y, m, d);
  AppendNumber(d, out);
  out.push_back(' ');
  out.append(kMonths[m - 1]).push_back(' ');
  AppendNumber(static_cast<uint64_t>(y), out);
}

}  // namespace

// ---- Public functions ----------------------------------------------------------------------

absl::Status ValidateSpec(const SynthSpec& spec) {
  if (spec.actors < 2 || spec.actors >= (uint64_t{1} << 32)) {
    return FieldError("actors", "must lie in [2, 2^32)");
  }
  if (spec.blocs < 1 || spec.blocs > spec.actors / 2) {
    return FieldError("blocs", "must lie in [1, actors / 2] (two actors per bloc at least)");
  }
  if (spec.years < 1 || spec.years > 200) return FieldError("years", "must lie in [1, 200]");
  if (spec.first_year < 1900 || spec.first_year > 2200) {
    return FieldError("first_year", "must lie in [1900, 2200]");
  }
  auto share = [](std::string_view field, double v) {
    return v >= 0 && v <= 1 ? absl::OkStatus() : FieldError(field, "must lie in [0, 1]");
  };
  for (auto s :
       {share("within", spec.within), share("noise", spec.noise), share("drift", spec.drift)}) {
    if (!s.ok()) return s;
  }
  if (!(spec.zipf >= 0 && spec.zipf <= 5)) return FieldError("zipf", "must lie in [0, 5]");
  return absl::OkStatus();
}

std::string ActorId(uint64_t i) {
  std::string id(1, 'a');
  AppendNumber(i, id);
  return id;
}

Actor MakeActor(const SynthSpec& spec, uint64_t i) {
  Actor a;
  a.id = ActorId(i);
  a.kind = KindOf(spec, i);
  AppendName(spec, i, a.name);
  a.country = CountryOf(spec, i);
  switch (a.kind) {
    case ActorKind::kState: {  // the capital, as news say "Ankara" for Turkey
      std::string capital;
      AppendWord(Hash(spec.seed, kSaltAlias, i), 3, capital);
      a.aliases.push_back(std::move(capital));
      break;
    }
    case ActorKind::kPerson:
      a.aliases.push_back(a.name.substr(a.name.find(' ') + 1));
      break;
    default:
      if (std::string initials = Initials(a.name); !initials.empty()) {
        a.aliases.push_back(std::move(initials));
      }
      break;
  }
  return a;
}

uint64_t ObservationStream::Rng::Next() {  // xoshiro256**
  const uint64_t result = std::rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = std::rotl(s[3], 45);
  return result;
}
double ObservationStream::Rng::Uniform() { return UnitOf(Next()); }
uint64_t ObservationStream::Rng::Below(uint64_t bound) {
  // Lemire's multiply-shift; the bias (bound / 2^64) is far below anything measurable here.
  return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
}

ObservationStream::ObservationStream(const SynthSpec& spec) : spec_(spec) {
  if (absl::Status s = ValidateSpec(spec); !s.ok()) {
    std::fprintf(stderr, "ObservationStream: %s\n", std::string(AsStd(s.message())).c_str());
    std::abort();
  }
  for (int k = 0; k < 4; ++k) rng_.s[k] = Hash(spec.seed, kSaltRng, k);
  first_day_ = DayFromCivil(spec.first_year, 1, 1);
  day_count_ = DayFromCivil(spec.first_year + spec.years, 1, 1) - first_day_;
  zipf_lo_ = 1 - spec.zipf;
}

// A Zipf-like rank r in [0, n) with P(r) ~ (r + 1.5)^-zipf: inverse transform of the
// continuous power law on [1, n + 1), so O(1) time and memory for any n.
uint64_t ObservationStream::PickRank(uint64_t n) {
  const double u = rng_.Uniform();
  const double top = static_cast<double>(n) + 1;
  const double x = std::abs(zipf_lo_) < 1e-9
                       ? std::pow(top, u)
                       : std::pow((std::pow(top, zipf_lo_) - 1) * u + 1, 1 / zipf_lo_);
  const uint64_t r = static_cast<uint64_t>(x) - 1;
  return r >= n ? n - 1 : r;  // rounding at the very top
}

uint64_t ObservationStream::PickActorInBloc(uint32_t bloc) {
  const uint64_t in_bloc = (spec_.actors - bloc + spec_.blocs - 1) / spec_.blocs;
  return PickRank(in_bloc) * spec_.blocs + bloc;
}

void ObservationStream::StartDocument() {
  ++doc_number_;
  doc_left_ = 1 + static_cast<int>(rng_.Below(7));
  doc_day_ = first_day_ + static_cast<Day>(rng_.Below(static_cast<uint64_t>(day_count_)));
  doc_offset_ = static_cast<int32_t>(rng_.Below(400));  // headline and lead
  doc_id_.assign(1, 'd');
  AppendNumber(doc_number_, doc_id_);
  url_.clear();
  if (spec_.evidence) {
    int y;
    unsigned m, d;
    CivilFromDay(doc_day_, y, m, d);
    char date[16];
    std::snprintf(date, sizeof date, "%04d/%02u/%02u/", y, m, d);
    url_.append("https://news.example.org/").append(date).append(doc_id_);
  }
}

bool ObservationStream::Next(Observation& o) {
  if (produced_ >= spec_.observations) return false;
  if (doc_left_ == 0) StartDocument();
  --doc_left_;
  ++produced_;

  // Who: a heavy-tailed source; a heavy-tailed target inside or outside its bloc.
  const uint64_t source = PickRank(spec_.actors);
  const uint32_t bloc = BlocOf(spec_, source);
  const bool inside = spec_.blocs == 1 || rng_.Uniform() < spec_.within;
  const uint32_t target_bloc =
      inside ? bloc : static_cast<uint32_t>((bloc + 1 + rng_.Below(spec_.blocs - 1)) % spec_.blocs);
  uint64_t target;
  do {
    target = PickActorInBloc(target_bloc);
  } while (target == source);

  // Sign: the planted one, turned by the pair's drift after its date, then noise.
  bool positive = inside;
  const uint64_t lo = std::min(source, target), hi = std::max(source, target);
  const uint64_t drift = Hash(spec_.seed, kSaltDrift, lo * spec_.actors + hi);
  if (UnitOf(drift) < spec_.drift &&
      doc_day_ >= first_day_ + static_cast<Day>((drift >> 7) % day_count_)) {
    positive = !positive;
  }
  if (rng_.Uniform() < spec_.noise) positive = !positive;

  // What: a kind of that sign by its frequency, then one of its CAMEO codes and templates.
  const KindTemplates* kinds = positive ? kPositiveKinds : kNegativeKinds;
  int pick = static_cast<int>(rng_.Below(kShareTotal));
  while (pick >= kinds->share) {
    pick -= kinds->share;
    ++kinds;
  }
  const Template& t = kinds->templates[rng_.Below(kinds->count)];

  // The sentence, always built so that the span does not depend on spec.evidence.
  std::string source_name, target_name;
  AppendName(spec_, source, source_name);
  AppendName(spec_, target, target_name);
  sentence_.clear();
  const uint64_t style = rng_.Below(3);
  if (style == 0) {
    sentence_.append("On ");
    AppendDate(doc_day_, sentence_);
    sentence_.append(", ");
  }
  for (size_t k = 0; k < t.text.size(); ++k) {
    if (t.text[k] != '{') {
      const size_t brace = std::min(t.text.find('{', k), t.text.size());
      sentence_.append(t.text.substr(k, brace - k));
      k = brace - 1;
      continue;
    }
    switch (t.text[k + 1]) {
      case 'S':
        sentence_.append(source_name);
        break;
      case 'T':
        sentence_.append(target_name);
        break;
      case 'I':
        sentence_.append(kIssues[rng_.Below(std::size(kIssues))]);
        break;
      case 'O':
        sentence_.append(kOffences[rng_.Below(std::size(kOffences))]);
        break;
      case 'C':
        sentence_.append(kCrises[rng_.Below(std::size(kCrises))]);
        break;
      case 'P':
        sentence_.append(kPlaces[rng_.Below(std::size(kPlaces))]);
        break;
    }
    k += 2;  // past the key and '}'
  }
  if (style != 0) {
    sentence_.append(" on ");
    AppendDate(doc_day_, sentence_);
    sentence_.append(", ").append(kAttributions[rng_.Below(std::size(kAttributions))]);
  }
  sentence_.push_back('.');

  const int32_t begin = doc_offset_;
  const int32_t end = begin + static_cast<int32_t>(sentence_.size());
  doc_offset_ = end + 1 + static_cast<int32_t>(rng_.Below(300));  // sentences in between

  o.source = ActorId(source);
  o.target = ActorId(target);
  o.source_name = std::move(source_name);
  o.target_name = std::move(target_name);
  o.source_country = CountryOf(spec_, source);
  o.target_country = CountryOf(spec_, target);
  o.kind = kinds->kind;
  o.sign = positive ? 1 : -1;
  o.weight = t.weight;
  o.confidence = static_cast<double>(50 + rng_.Below(51)) / 100;  // 0.50 .. 1.00
  o.cameo = std::string(t.cameo);
  o.date = doc_day_;
  o.evidence.doc = doc_id_;
  o.evidence.url = url_;
  o.evidence.sentence = spec_.evidence ? sentence_ : std::string();
  o.evidence.begin = begin;
  o.evidence.end = end;
  o.id = ObservationId(doc_id_, begin, end, std::string_view(o.source), std::string_view(o.target),
                       o.kind);
  return true;
}

absl::Status Generate(const SynthSpec& spec, absl::FunctionRef<void(const Actor&)> on_actor,
                      absl::FunctionRef<void(Observation&&)> on_observation) {
  if (absl::Status s = ValidateSpec(spec); !s.ok()) return s;
  for (uint64_t i = 0; i < spec.actors; ++i) on_actor(MakeActor(spec, i));
  ObservationStream stream(spec);
  Observation o;
  while (stream.Next(o)) {
    on_observation(std::move(o));
    o = Observation();
  }
  return absl::OkStatus();
}

}  // namespace actorgraph::synth
