// The extractor's knowledge: the actor dictionary (data/actors/*.jsonl), role phrases and
// relation patterns (data/lexicon/*.jsonl), compiled into a shared vocabulary and phrase
// tries for fast matching. Formats: data/README.md. Immutable after Load(); thread-safe for
// concurrent readers.
#ifndef ACTORGRAPH_TOOLS_EXTRACT_DICTIONARY_H_
#define ACTORGRAPH_TOOLS_EXTRACT_DICTIONARY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "graph/types.h"
#include "tools/extract/strings.h"
#include "tools/extract/text.h"

namespace actorgraph::extract {

// How a surface form refers to its actor.
enum class SurfaceType : uint8_t {
  kName,     // the name, an alias or an acronym: "Turkey", "GNA", "Erdogan"
  kDemonym,  // adjective or people: "Turkish", "Turks"
  kMetonym,  // capital or seat of power: "Ankara", "the Kremlin"; a place after "in"
};

struct ActorInfo {
  Actor actor;  // as graph/actor_jsonl.h parses it
  std::vector<std::string> demonyms;
  std::vector<std::string> metonyms;
  bool auto_surname = true;  // a person's last name alone also names him (unless shared)
  std::string capital;       // states: the capital's name (default: the first metonym)
  std::vector<std::string> descriptions;  // folded: "general", "field marshal", "council"
  std::string origin;  // "file:line"
  // The actor for whom this one speaks at `day`: the target of its first LEADS or MEMBER_OF
  // role holding then (a leader -> his state), else itself. Index into Dictionary::actors().
};

// A role phrase: "foreign minister" after an actor ("Russia's foreign minister") resolves to
// the person holding a role with `title` for that actor on the date, or to the actor itself
// when `title` is empty ("Egyptian officials") or nobody is known.
struct RolePhrase {
  std::vector<std::string> words;  // folded
  std::string title;               // "" = the actor itself; "*" = whoever LEADS it
  bool of_states = true;           // false: "Syrian militants" are not Syria
  std::string origin;
};

// Part of speech of a relation pattern.
enum class PatternPos : uint8_t {
  kVerb,   // "back", "send troops": SOURCE verb TARGET, TARGET be verbed by SOURCE
  kNoun,   // "support", "intervention": SOURCE's noun for TARGET, noun from SOURCE
  kAgent,  // "backer", "ally": SOURCE is among TARGET's backers
  kPhrase,  // "at war": a fixed expression used like a verb, not inflected
};

struct Pattern {
  std::string text;  // as written in the lexicon
  std::vector<std::string> words;  // folded, base forms
  RelationKind kind = RelationKind::kUnspecified;
  std::string cameo;
  double weight = 0;       // Goldstein weight (sign of the kind)
  bool symmetric = false;  // "meet", "agreement": no direction; compound subjects pair up
  bool pairs_only = false;  // only relates the members of a compound subject ("A and B agreed")
  bool implicit_target = false;  // no object: the country the article is about ("lifted sanctions")
  bool place_target = false;  // "arrived in Amman": a place is the target (the host)
  bool direct_object = false;  // the target must follow the verb directly ("promised Egypt")
  bool destination = false;  // "send troops to Libya": a state after to/into is where, not whom
  PatternPos pos = PatternPos::kVerb;
  int gap = 2;  // tokens allowed between the pattern's words
  std::vector<std::string> not_before;  // folded words that cancel a match when next
  std::vector<int32_t> not_before_ids;  // compiled by Finalize
  std::string origin;
};

// Inflected form of a matched pattern word.
enum class Form : uint8_t { kBase, kThird, kPast, kParticiple, kPastOrParticiple, kGerund, kNoun };

// One compiled surface variant of a pattern.
struct PatternVariant {
  int pattern = -1;
  Form form = Form::kBase;
  std::vector<int32_t> words;  // vocabulary ids
};

// Function-word classes, as bit flags on vocabulary entries.
enum WordClass : uint32_t {
  kWcAux = 1u << 0,         // is, was, has, been, being
  kWcModal = 1u << 1,       // could, would, might, may, should
  kWcNeg = 1u << 2,         // not, n't, never, no, without
  kWcAdverb = 1u << 3,      // skippable adverbs: also, already, reportedly
  kWcBoundary = 1u << 4,    // clause boundaries: ; : but while although
  kWcRelPron = 1u << 5,     // which, who, whom, that
  kWcLocPrep = 1u << 6,     // in, at, near, into: a following name is a place
  kWcPronPerson = 1u << 7,  // he, him, his, she, her
  kWcPronThing = 1u << 8,   // it, its, they, them, their
  kWcDet = 1u << 9,         // the, a, an, this, these, its ...
  kWcConj = 1u << 10,       // and, or, ","
  kWcIf = 1u << 11,         // if, unless, whether
  kWcSay = 1u << 12,        // said, says, told, warned? (speech verbs)
  kWcPossPron = 1u << 13,   // his, her, its, their
  kWcFuture = 1u << 14,     // will, shall, 'll
  kWcTitle = 1u << 15,      // mr, president, general: words that may precede a name
  kWcQuote = 1u << 16,      // quotation marks
  kWcOrg = 1u << 17,        // nouns naming parts of an actor: forces, government, troops
  kWcIrrealis = 1u << 18,   // threaten, vow, plan, urge: "to VERB" after them is not a fact
  kWcPrep = 1u << 19,       // of, with, to, for, against, on, by, from, about, between
};

class Dictionary {
 public:
  // Loads every *.jsonl under dir/actors and dir/lexicon. Errors name file and line.
  static absl::StatusOr<Dictionary> Load(const std::string& dir);

  // Building blocks for Load and for tests that build a dictionary from strings.
  absl::Status AddActorLine(std::string_view line, std::string_view origin);
  absl::Status AddLexiconLine(std::string_view line, std::string_view origin);
  // Compiles tries and indexes; call once after the Add* calls.
  absl::Status Finalize();

  // Vocabulary id of a folded word, or -1.
  int32_t VocabId(std::string_view folded) const {
    auto it = vocab_.find(AV(folded));
    return it == vocab_.end() ? -1 : it->second;
  }
  uint32_t WordClasses(int32_t vocab_id) const {
    return vocab_id < 0 ? 0 : word_classes_[vocab_id];
  }
  // Sets Token::vocab for every token.
  void AssignVocab(Tokens& tokens) const;

  const std::vector<ActorInfo>& actors() const { return actors_; }
  const std::vector<Pattern>& patterns() const { return patterns_; }
  const std::vector<RolePhrase>& roles() const { return roles_; }
  // Index of the actor with `id`, or -1.
  int FindActor(std::string_view id) const;

  // A surface form found in text: actor index and how it was named.
  struct Surface {
    int actor;
    SurfaceType type;
  };
  // Longest actor surface form starting at tokens[i]; returns its length in tokens (0 if
  // none) and fills `out` with the candidates of that length.
  int MatchActor(const Tokens& tokens, size_t i, size_t end, std::vector<Surface>& out) const;
  // Longest role phrase starting at tokens[i]: its length (0 if none) and index.
  int MatchRole(const Tokens& tokens, size_t i, size_t end, int& role) const;
  // Pattern variants whose first word is tokens[i].
  const std::vector<PatternVariant>* VariantsStartingWith(int32_t vocab_id) const {
    auto it = variants_by_first_.find(vocab_id);
    return it == variants_by_first_.end() ? nullptr : &it->second;
  }

  // The actor that `actor` speaks for on `day`: the target of a LEADS/MEMBER_OF role held
  // then, else `actor` itself.
  int SpeaksFor(int actor, Day day) const;
  // True when `person` held any role for `actor` at any time (Bush and the United States).
  bool EverServed(int person, int actor) const;
  // The person holding a role with `title` ("*" = any LEADS) for `actor` on `day`, or -1.
  int Holder(int actor, std::string_view title, Day day) const;
  // ISO alpha-3 country of `actor` on `day`: its own country, or that of the state it speaks
  // for. Empty for IGOs.
  std::string CountryOn(int actor, Day day) const;
  // True when "the <phrase>" (folded, space-separated) may describe `actor` on `day`: an
  // explicit description, a title of a role the person holds then, or a generic word for
  // its kind ("the rebels" for armed groups, "the bloc" for organisations).
  bool Describes(int actor, std::string_view phrase, Day day) const;
  bool IsDescription(std::string_view phrase) const {
    return description_phrases_.contains(AV(phrase));
  }
  // The state actor with ISO code `iso`, or -1.
  int StateOf(std::string_view iso) const;
  // Who "the capital" of `state` stands for: the actor whose metonyms hold the capital's
  // name (the Tripoli government for Libya), else the state itself.
  int CapitalHolder(int state) const;

 private:
  int32_t Intern(std::string_view folded);
  absl::Status AddSurface(std::string_view text, int actor, SurfaceType type);
  void AddRoleTrie(const std::vector<std::string>& words, int role);

  struct Edge {
    int32_t child;
    uint8_t case_req;  // 0 any, 1 capitalised, 2 exact upper case
  };
  static uint64_t EdgeKey(int32_t node, int32_t word) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(node)) << 32) |
           static_cast<uint32_t>(word);
  }

  absl::flat_hash_map<std::string, int32_t> vocab_;
  std::vector<uint32_t> word_classes_;
  std::vector<ActorInfo> actors_;
  absl::flat_hash_map<std::string, int> actor_index_;
  std::vector<Pattern> patterns_;
  std::vector<RolePhrase> roles_;

  // Actor trie.
  absl::flat_hash_map<uint64_t, Edge> actor_edges_;
  std::vector<std::vector<Surface>> actor_nodes_;  // payload per node; node 0 is the root
  // Role trie.
  absl::flat_hash_map<uint64_t, int32_t> role_edges_;
  std::vector<int> role_nodes_;  // role index per node, -1 if none
  absl::flat_hash_map<int32_t, std::vector<PatternVariant>> variants_by_first_;
  // Roles by the actor they are held for: target actor -> (holder, role index in actor).
  absl::flat_hash_map<int, std::vector<std::pair<int, int>>> holders_;
  absl::flat_hash_map<std::string, int> state_by_iso_;
  absl::flat_hash_set<std::string> description_phrases_;
  absl::flat_hash_map<int, int> capital_holder_;
  bool finalized_ = false;
};

// Inflected forms of an English verb: base, third person, past, past participle, gerund.
// Irregular verbs come from a built-in table.
struct VerbForms {
  std::string base, third, past, participle, gerund;
};
VerbForms InflectVerb(std::string_view base);
// Plural of an English noun ("ally" -> "allies").
std::string PluralNoun(std::string_view noun);

}  // namespace actorgraph::extract

#endif  // ACTORGRAPH_TOOLS_EXTRACT_DICTIONARY_H_
