#include "tools/extract/extractor.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "tools/extract/text.h"

namespace actorgraph::extract {

void ExtractStats::Merge(const ExtractStats& o) {
  documents += o.documents;
  sentences += o.sentences;
  tokens += o.tokens;
  bytes += o.bytes;
  auto add = [](std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    if (a.size() < b.size()) a.resize(b.size());
    for (size_t i = 0; i < b.size(); ++i) a[i] += b[i];
  };
  add(actor_hits, o.actor_hits);
  add(pattern_hits, o.pattern_hits);
  add(role_hits, o.role_hits);
}

namespace {

constexpr int kCapitalPlaceholder = -2;

// An actor mention in one sentence.
struct Mention {
  int tb = 0, te = 0;  // tokens [tb, te)
  int actor = -1;
  SurfaceType type = SurfaceType::kName;
  bool place = false;    // a place only ("in Tripoli")
  bool pronoun = false;  // he, its, their ...
  bool person_pronoun = false;
  bool role = false;  // resolved through a role phrase
  bool plural = false;     // "they", "the two leaders": resolved to the last compound group
  bool resolved = false;   // a description already resolved ("the general")
  int base = -1;           // for role phrases: the actor named ("Hezbollah" in "its leader")
  std::vector<int> more;   // further actors of a plural mention
};

// One relation candidate before deduplication.
struct Candidate {
  int source = -1, target = -1;
  int pattern = -1;
  double confidence = 0;
  const char* rule = "";  // which rule produced it (for --trace)
  uint32_t sent_begin = 0, sent_end = 0;  // bytes
  int32_t cp_begin = 0, cp_end = 0;       // code points
};

// A side of a relation: actor mentions and how sure we are of the attachment.
struct Side {
  std::vector<int> mentions;
  double confidence = 0;
  bool empty() const { return mentions.empty(); }
};

class DocRun {
 public:
  DocRun(const Dictionary& dict, const Document& doc, ExtractStats* stats, std::ostream* trace)
      : dict_(dict), doc_(doc), stats_(stats), trace_(trace), counter_(doc.text) {}

  void Run() {
    for (const SentenceSpan& s : SplitSentences(doc_.text)) Sentence(s);
  }

  std::vector<Candidate>& candidates() { return cands_; }

 private:
  // ---- token helpers ----
  std::string_view W(int i) const {
    if (i < 0 || i >= n_) return {};
    return toks_.FoldedText(toks_.tokens[i]);
  }
  uint32_t C(int i) const {
    if (i < 0 || i >= n_) return 0;
    return dict_.WordClasses(toks_.tokens[i].vocab);
  }
  bool Is(int i, std::string_view w) const { return W(i) == w; }
  // Mention starting at token i, or -1.
  int MentionAt(int i) const {
    if (i < 0 || i >= n_) return -1;
    int m = at_[i];
    return m >= 0 && ms_[m].tb == i ? m : -1;
  }
  // Mention ending just before token i (te == i), or -1.
  int MentionEndingAt(int i) const {
    if (i <= 0 || i > n_) return -1;
    int m = at_[i - 1];
    return m >= 0 && ms_[m].te == i ? m : -1;
  }
  bool IsPerson(int actor) const {
    return actor >= 0 && dict_.actors()[actor].actor.kind == ActorKind::kPerson;
  }

  void Sentence(const SentenceSpan& span);
  void TraceSentence() const;
  void FindMentions();
  int DominantState() const;
  // For "he"/"his" with no antecedent in the sentence: of the people named in about the last
  // three sentences, the one named most often in the document (the most recent on ties).
  int SalientPerson() const;
  // The most recently named actor (this document, earlier sentences or this one so far)
  // that "the <phrase>" describes, or -1.
  int Described(const std::string& phrase) const;
  // True when token i may follow a description: punctuation, a verb group, a preposition.
  bool DescriptionEndsPhrase(int i) const;
  // For a participle at token i followed by a plain noun: true unless a subject, an auxiliary,
  // "to" or a conjunction precedes it (then it is a verb: "Turkey already sent troops").
  bool ParticipleIsAdjective(int i) const;
  // have, make, launch, carry out, stage, impose, express ... : verbs whose object noun
  // carries the event ("made an attack on").
  bool IsLightVerb(int i) const;
  // True when "with" governs the noun phrase ending at token i ("responded with air strikes").
  bool WithBefore(int i) const {
    for (int j = i - 1; j >= std::max(0, i - 4); --j) {
      if (Is(j, "with")) return true;
      if ((toks_.tokens[j].flags & kPunct) || at_[j] >= 0 || (C(j) & kWcPrep)) return false;
    }
    return false;
  }
  int ResolveRole(int actor, int role) const;
  void ResolvePronouns();
  // The actors of the last "A and B" group before mention k in this sentence (or none).
  std::vector<int> CompoundBefore(int k) const;
  void RememberCompound();
  void FindTriggers();
  void Relate(int hit_index);

  std::vector<int> GroupLeft(int m) const;
  // True when a preposition (other than "by") governs mention m: "counterparts from the UAE".
  bool PrepositionBefore(int m) const;
  // Skips a parenthesis that ends at token j ("(UAE)"), returning the token before it.
  int SkipParenLeft(int j) const;
  // The antecedent of a relative pronoun at token j: "France, another ally, which".
  int Antecedent(int j) const;
  std::vector<int> GroupRight(int m) const;
  int ClauseStart(int i) const;
  // True when a prepositional object follows token i ("sanctions on ...", "aid to ..."):
  // then the target is named, just not as an actor we know.
  bool ObjectFollows(int i) const {
    return Is(i, "on") || Is(i, "against") || Is(i, "to") || Is(i, "for") || Is(i, "from");
  }
  // Like ClauseStart, but also 0 at the sentence start: where the clause of token i opens.
  int ClauseStartOrSentence(int i) const { return ClauseStart(i); }
  bool Negated(int tb) const;
  bool Irrealis(int tb, RelationKind kind) const;
  // A noun event that did not (or no longer does) happen: "cancelled a planned visit",
  // "lifted the blockade", "cut aid".
  bool UndoneNoun(int tb, RelationKind kind) const;
  Side ActiveSubject(int hit_index);
  // The subject of a verb starting at token `verb`; hits before `hit_index` lend theirs to
  // coordinated verbs.
  Side SubjectOf(int verb, int hit_index);
  Side ObjectRight(int from, int limit, int skip_b, int skip_e, const Side& subject,
                   const Pattern& pat) const;
  Side NearestLeft(int from, int max_back, bool cross_boundaries) const;
  void Emit(const Side& src, const Side& tgt, int pattern, double conf);
  void EmitPairs(const std::vector<int>& group, int pattern, double conf);
  std::vector<std::pair<int, bool>> ActorsOf(const std::vector<int>& mentions) const;
  const char* rule_ = "";

  struct Hit {
    int tb, te;
    int pattern;
    Form form;
    bool nominal;
    Side subject;  // filled once computed (used for coordinated verbs)
    Side object;
    bool subject_done = false;
  };

  const Dictionary& dict_;
  const Document& doc_;
  ExtractStats* stats_;
  std::ostream* trace_;
  CodePointCounter counter_;

  // Per sentence.
  SentenceSpan span_;
  int32_t cp_begin_ = 0, cp_end_ = 0;
  Tokens toks_;
  int n_ = 0;
  std::vector<Mention> ms_;
  std::vector<int> at_;
  std::vector<Hit> hits_;
  std::vector<Dictionary::Surface> surfaces_;
  bool question_ = false;

  // Across sentences: mentions per country, for "the capital".
  absl::flat_hash_map<std::string, int> country_counts_;
  // Across sentences, for descriptions and pronouns: when each actor was last named (a
  // running token position) and how often.
  absl::flat_hash_map<int, int64_t> last_seen_;
  absl::flat_hash_map<int, int> mention_count_;
  int64_t seen_counter_ = 0;
  std::vector<int> last_compound_;  // actors of the last "A and B" group
  int last_compound_sentence_ = -100;
  int sentence_index_ = 0;
  int last_person_ = -1;
  int last_group_ = -1;
  int prev_first_group_ = -1;  // the first named state or group of the previous sentence

  std::vector<Candidate> cands_;
};

void DocRun::Sentence(const SentenceSpan& span) {
  span_ = span;
  toks_.Clear();
  Tokenize(doc_.text, span.begin, span.end, toks_);
  dict_.AssignVocab(toks_);
  n_ = static_cast<int>(toks_.tokens.size());
  if (stats_ != nullptr) {
    ++stats_->sentences;
    stats_->tokens += n_;
  }
  if (n_ == 0) return;
  cp_begin_ = counter_.At(span.begin);
  cp_end_ = counter_.At(span.end);
  question_ = Is(n_ - 1, "?") || (n_ >= 2 && Is(n_ - 2, "?") && (C(n_ - 1) & kWcQuote));
  FindMentions();
  for (const Mention& m : ms_) {
    if (m.pronoun || m.actor < 0) continue;
    std::string iso = dict_.CountryOn(m.actor, doc_.date);
    if (!iso.empty()) ++country_counts_[iso];
  }
  for (Mention& m : ms_) {
    if (m.actor != kCapitalPlaceholder) continue;
    // A state named earlier in the sentence ("fighters in Yemen ... seized the capital"),
    // else the country the article is mostly about.
    int state = -1;
    for (const Mention& o : ms_) {
      if (o.tb >= m.tb) break;
      if (o.pronoun || o.type == SurfaceType::kMetonym) continue;  // "in Moscow" is no claim
      for (int a : {o.actor, o.base}) {
        if (a >= 0 && dict_.actors()[a].actor.kind == ActorKind::kState) state = a;
      }
    }
    if (state < 0) state = DominantState();
    m.actor = state >= 0 ? dict_.CapitalHolder(state) : -1;
  }
  ResolvePronouns();
  FindTriggers();
  if (trace_ != nullptr) TraceSentence();
  for (int h = 0; h < static_cast<int>(hits_.size()); ++h) Relate(h);
  RememberCompound();
  for (const Mention& m : ms_) {
    if (m.place || m.actor < 0) continue;
    last_seen_[m.actor] = seen_counter_ + 1 + m.tb;
    if (m.base >= 0 && m.base != m.actor) last_seen_[m.base] = seen_counter_ + 1 + m.tb;
    ++mention_count_[m.actor];
    for (int a : m.more) last_seen_[a] = seen_counter_ + 1 + m.tb;
  }
  seen_counter_ += n_ + 1;
  ++sentence_index_;
  prev_first_group_ = -1;
  for (const Mention& m : ms_) {
    if (!m.pronoun && !m.place && m.actor >= 0 && !IsPerson(m.actor) &&
        m.type != SurfaceType::kDemonym) {
      prev_first_group_ = m.actor;
      break;
    }
  }
  // Remember the last named person and group for pronouns in later sentences.
  for (const Mention& m : ms_) {
    if (m.place || m.actor < 0) continue;
    if (IsPerson(m.actor)) {
      last_person_ = m.actor;
    } else if (!m.pronoun) {
      last_group_ = m.actor;
    }
  }
}

// One line per sentence: [mention=actor], {trigger:KIND}, other tokens as folded.
void DocRun::TraceSentence() const {
  std::ostream& o = *trace_;
  o << "  |";
  for (int i = 0; i < n_; ++i) {
    int m = MentionAt(i);
    if (m >= 0) {
      o << " [";
      for (int t = ms_[m].tb; t < ms_[m].te; ++t) o << (t > ms_[m].tb ? " " : "") << W(t);
      o << "=" << dict_.actors()[ms_[m].actor].actor.id << (ms_[m].place ? " place" : "") << "]";
      i = ms_[m].te - 1;
      continue;
    }
    bool hit = false;
    for (const Hit& h : hits_) {
      if (h.tb == i) {
        o << " {" << W(i) << ":" << RelationKindName(dict_.patterns()[h.pattern].kind)
          << (h.nominal ? " n" : "") << "}";
        hit = true;
      }
    }
    if (!hit) o << " " << W(i);
  }
  o << "\n";
}

bool DocRun::IsLightVerb(int i) const {
  static constexpr std::string_view kLight[] = {
      "has", "have", "had", "having", "made", "make", "makes", "making", "launched", "launch",
      "launches", "launching", "staged", "stage", "mounted", "mount", "carried", "conducted",
      "conduct", "imposed", "impose", "expressed", "express", "voiced", "voice", "offered",
      "offer", "offers", "provided", "provide", "provides", "gave", "give", "gives", "lent",
      "lend", "extended", "extend", "pledged", "pledge", "announced", "announce", "declared",
      "declare", "waged", "wage", "stepped", "intensified", "signed", "sign", "reached",
      "reach", "struck", "concluded", "held", "hold", "holds", "issued", "issue", "delivered",
      "renewed", "resumed", "began", "begun", "started", "continued", "kept", "won", "received",
      "sought", "got", "engaged", "involved", "toughening", "toughened", "toughen",
      "tightening", "tightened", "tighten", "strengthening", "strengthened", "extending",
      "expanding", "expanded", "imposing", "stepping", "intensifying", "escalating",
      "escalated", "fought", "fighting", "waging"};
  std::string_view w = W(i);
  for (std::string_view l : kLight) {
    if (w == l) return true;
  }
  return false;
}

bool DocRun::ParticipleIsAdjective(int i) const {
  int q = i - 1;
  while (q >= 0 && (C(q) & (kWcAdverb | kWcNeg))) --q;
  if (q < 0) return false;
  if (MentionEndingAt(q + 1) >= 0) return false;
  if (C(q) & (kWcAux | kWcPronPerson | kWcPronThing | kWcRelPron | kWcConj | kWcModal |
              kWcFuture)) {
    return false;
  }
  return !Is(q, "to") && !Is(q, ",");
}

int DocRun::Described(const std::string& phrase) const {
  int best = -1;
  int64_t best_seen = -1;
  auto consider = [&](int actor, int64_t seen) {
    if (seen > best_seen && dict_.Describes(actor, phrase, doc_.date)) {
      best = actor;
      best_seen = seen;
    }
  };
  for (const auto& [actor, seen] : last_seen_) consider(actor, seen);
  for (const Mention& m : ms_) {
    if (!m.pronoun && !m.place && m.actor >= 0) consider(m.actor, seen_counter_ + 1 + m.tb);
    if (m.base >= 0) consider(m.base, seen_counter_ + 1 + m.tb);
  }
  return best;
}

bool DocRun::DescriptionEndsPhrase(int i) const {
  if (i >= n_) return true;
  if (toks_.tokens[i].flags & kPunct) return true;
  uint32_t c = C(i);
  if (c & (kWcAux | kWcModal | kWcFuture | kWcSay | kWcAdverb | kWcNeg | kWcRelPron | kWcConj |
           kWcPrep | kWcLocPrep)) {
    return !Is(i, "of");
  }
  if (toks_.tokens[i].vocab >= 0 && dict_.VariantsStartingWith(toks_.tokens[i].vocab) != nullptr) {
    return true;
  }
  // A past-tense verb: "the council adopted".
  std::string_view w = W(i);
  return !(toks_.tokens[i].flags & kCap) && w.size() > 3 && w.substr(w.size() - 2) == "ed";
}

int DocRun::SalientPerson() const {
  constexpr int64_t kWindow = 120;  // tokens back
  int best = -1, best_count = -1;
  int64_t best_seen = -1;
  for (const auto& [actor, seen] : last_seen_) {
    if (!IsPerson(actor) || seen_counter_ - seen > kWindow) continue;
    auto it = mention_count_.find(actor);
    int count = it == mention_count_.end() ? 0 : it->second;
    if (count > best_count || (count == best_count && seen > best_seen)) {
      best = actor;
      best_count = count;
      best_seen = seen;
    }
  }
  return best;
}

int DocRun::DominantState() const {
  std::string best;
  int best_n = 0;
  for (const auto& [iso, n] : country_counts_) {
    if (n > best_n || (n == best_n && iso < best)) {
      best = iso;
      best_n = n;
    }
  }
  return best.empty() ? -1 : dict_.StateOf(best);
}

int DocRun::ResolveRole(int actor, int role) const {
  const RolePhrase& r = dict_.roles()[role];
  if (stats_ != nullptr) {
    if (stats_->role_hits.size() < dict_.roles().size()) {
      stats_->role_hits.resize(dict_.roles().size());
    }
    ++stats_->role_hits[role];
  }
  if (r.title.empty()) return actor;
  int h = dict_.Holder(actor, r.title, doc_.date);
  return h >= 0 ? h : actor;
}

void DocRun::FindMentions() {
  ms_.clear();
  for (int i = 0; i < n_;) {
    int len = dict_.MatchActor(toks_, i, n_, surfaces_);
    if (len > 0) {
      // "pro-Russian", "anti-Turkish": not the actor itself.
      bool negated_prefix =
          (toks_.tokens[i].flags & kJoinedPrev) &&
          (Is(i - 1, "pro") || Is(i - 1, "anti") || Is(i - 1, "non") || Is(i - 1, "ex"));
      // A match that stops inside a hyphenated word that goes on ("Iran-Iraq" is two
      // names; "Turkey-based" is handled as a place below).
      // "ethnic Albanians", "Bosnian Serbs" style people of a nationality are not its state.
      bool ethnic = Is(i - 1, "ethnic") && surfaces_[0].type == SurfaceType::kDemonym;
      if (negated_prefix || ethnic) {
        i += len;
        continue;
      }
      Mention m;
      m.tb = i;
      m.te = i + len;
      m.actor = surfaces_[0].actor;
      m.type = surfaces_[0].type;
      // A role phrase after the name: "Turkish president", "Russia's foreign minister".
      int k = m.te;
      bool poss = Is(k, "'s");
      int role = -1;
      int rl = dict_.MatchRole(toks_, poss ? k + 1 : k, n_, role);
      ActorKind kind = dict_.actors()[m.actor].actor.kind;
      if (kind == ActorKind::kState && Is(poss ? k + 1 : k, "capital")) {
        m.actor = dict_.CapitalHolder(m.actor);
        m.type = SurfaceType::kMetonym;
        m.te = (poss ? k + 2 : k + 1);
        ms_.push_back(m);
        i = m.te;
        continue;
      }
      const RolePhrase* rp = rl > 0 ? &dict_.roles()[role] : nullptr;
      // "Russia's military support", "Turkish government officials": an adjective-like role
      // word before a plain noun is part of that noun phrase, not the role.
      if (rp != nullptr && rl == 1) {
        int r0 = poss ? k + 1 : k;
        std::string_view rw = W(r0);
        bool adjective_like = rw == "military" || rw == "security" || rw == "intelligence" ||
                              rw == "government" || rw == "naval" || rw == "state" ||
                              rw == "air" || rw == "army";
        int nx = r0 + 1;
        if (adjective_like && nx < n_ && (toks_.tokens[nx].flags & kWord) &&
            !(toks_.tokens[nx].flags & kCap) &&
            !(C(nx) & (kWcAux | kWcModal | kWcFuture | kWcSay | kWcAdverb | kWcNeg | kWcPrep |
                       kWcLocPrep | kWcConj | kWcRelPron | kWcBoundary))) {
          int role2 = -1;
          int rl2 = dict_.MatchRole(toks_, r0, n_, role2);
          if (rl2 <= 1) rp = nullptr;  // "government officials" is still a role
          if (rl2 > 1) {
            rl = rl2;
            role = role2;
            rp = &dict_.roles()[role];
          }
        }
      }
      if (rp != nullptr && kind == ActorKind::kState && !rp->of_states) {
        // "Syrian militants", "Libyan rebels": people of the country, not its state.
        i = (poss ? k + 1 : k) + rl;
        continue;
      }
      if (rp != nullptr && kind != ActorKind::kPerson) {
        m.base = m.actor;
        m.actor = ResolveRole(m.actor, role);
        m.te = (poss ? k + 1 : k) + rl;
        m.role = true;
      } else if (rp != nullptr && rp->title.empty()) {
        // "Haftar's forces", "the Putin regime": what the person leads.
        m.actor = dict_.SpeaksFor(m.actor, doc_.date);
        m.te = (poss ? k + 1 : k) + rl;
        m.role = true;
      }
      ms_.push_back(m);
      i = m.te;
      continue;
    }
    // "the president of Turkey", "the leader of the LNA".
    int role = -1;
    int rl = dict_.MatchRole(toks_, i, n_, role);
    // "the government in Tripoli", "the regime in Damascus": the seat names the actor.
    if (rl > 0 && dict_.roles()[role].title.empty() && Is(i + rl, "in")) {
      int l2 = dict_.MatchActor(toks_, i + rl + 1, n_, surfaces_);
      if (l2 > 0 && surfaces_[0].type == SurfaceType::kMetonym) {
        Mention m;
        m.tb = i;
        m.te = i + rl + 1 + l2;
        m.actor = surfaces_[0].actor;
        m.type = SurfaceType::kName;
        m.role = true;
        ms_.push_back(m);
        i = m.te;
        continue;
      }
    }
    if (rl > 0 && Is(i + rl, "of")) {
      int k = i + rl + 1;
      if (Is(k, "the")) ++k;
      // "a representative of the rebel SPLM": one or two lower-case modifiers.
      for (int adj = 0; adj < 2 && k < n_ && !(toks_.tokens[k].flags & kCap) &&
                        (toks_.tokens[k].flags & kWord) && !(C(k) & (kWcPrep | kWcConj | kWcDet));
           ++adj) {
        int probe = dict_.MatchActor(toks_, k, n_, surfaces_);
        if (probe > 0) break;
        ++k;
      }
      int l2 = dict_.MatchActor(toks_, k, n_, surfaces_);
      bool modifier = k + l2 < n_ && (toks_.tokens[k + l2].flags & kJoinedPrev);  // "UN-backed"
      if (l2 > 0 && !modifier &&
          dict_.actors()[surfaces_[0].actor].actor.kind != ActorKind::kPerson) {
        Mention m;
        m.tb = i;
        m.te = k + l2;
        m.base = surfaces_[0].actor;
        m.actor = ResolveRole(surfaces_[0].actor, role);
        m.type = surfaces_[0].type;
        m.role = true;
        ms_.push_back(m);
        i = m.te;
        continue;
      }
    }
    // "the general", "the council", "the rebels": the last actor named that fits.
    if (Is(i, "the") && i + 1 < n_) {
      int described = -1, len = 0;
      for (int l = 3; l >= 1 && described < 0; --l) {
        if (i + l >= n_) continue;
        std::string phrase;
        for (int q = i + 1; q <= i + l; ++q) {
          if (q > i + 1) phrase += ' ';
          phrase += W(q);
        }
        if (!dict_.IsDescription(phrase) || !DescriptionEndsPhrase(i + l + 1)) continue;
        described = Described(phrase);
        len = l;
      }
      if (described >= 0) {
        Mention m;
        m.tb = i;
        m.te = i + 1 + len;
        m.actor = described;
        m.pronoun = true;  // a reference, resolved like a pronoun
        m.resolved = true;
        m.person_pronoun = IsPerson(described);
        ms_.push_back(m);
        i = m.te;
        continue;
      }
    }
    // "the capital": the capital of the country the article is about so far.
    if (Is(i, "capital") && (Is(i - 1, "the") || Is(i - 1, "country's")) && !Is(i + 1, "of")) {
      Mention m;
      m.tb = i;
      m.te = i + 1;
      m.actor = kCapitalPlaceholder;  // resolved once this sentence's mentions are counted
      m.type = SurfaceType::kMetonym;
      ms_.push_back(m);
      ++i;
      continue;
    }
    // "the two leaders", "both countries": the last pair of actors named together.
    if ((Is(i, "two") && Is(i - 1, "the")) || (Is(i, "both") && !Is(i + 1, "sides") && false)) {
      static constexpr std::string_view kPluralNouns[] = {
          "leaders", "men", "presidents", "sides", "countries", "governments", "nations",
          "strongmen", "rivals", "neighbours", "neighbors", "powers", "ministers", "states",
          "allies", "capitals", "parties", "camps", "foes", "adversaries"};
      bool ok = false;
      for (std::string_view w : kPluralNouns) ok = ok || Is(i + 1, w);
      if (ok) {
        Mention m;
        m.tb = i;
        m.te = i + 2;
        m.pronoun = true;
        m.plural = true;
        ms_.push_back(m);
        i += 2;
        continue;
      }
    }
    uint32_t c = C(i);
    if (c & (kWcPronPerson | kWcPronThing)) {
      Mention m;
      m.tb = i;
      m.te = i + 1;
      m.pronoun = true;
      m.person_pronoun = (c & kWcPronPerson) != 0;
      m.plural = Is(i, "they") || Is(i, "them") || Is(i, "their") || Is(i, "themselves");
      ms_.push_back(m);
    }
    ++i;
  }

  // Merge "Russian Foreign Minister Sergei Lavrov", "Turkey's Erdogan", "President Erdogan"
  // into the person; drop "(GNA)" right after "Government of National Accord".
  std::vector<Mention> merged;
  for (size_t a = 0; a < ms_.size(); ++a) {
    Mention m = ms_[a];
    if (!merged.empty() && !m.pronoun && IsPerson(m.actor)) {
      Mention& prev = merged.back();
      if (!prev.pronoun && (prev.type == SurfaceType::kDemonym || prev.role ||
                            Is(prev.te, "'s") || prev.actor == m.actor)) {
        bool only_titles = true;
        for (int t = prev.te; t < m.tb; ++t) {
          if (!(C(t) & kWcTitle) && !Is(t, "'s") && !Is(t, ".")) only_titles = false;
        }
        if (only_titles && m.tb - prev.te <= 4) {
          m.tb = prev.tb;
          if (m.base < 0) m.base = prev.base >= 0 ? prev.base : prev.actor;
          merged.back() = m;
          continue;
        }
      }
    }
    if (!merged.empty() && !m.pronoun && merged.back().actor == m.actor && Is(m.tb - 1, "(") &&
        Is(m.te, ")") && merged.back().te == m.tb - 1) {
      continue;
    }
    merged.push_back(m);
  }
  ms_.swap(merged);

  // Places: "in Tripoli", "Benghazi-based", "to Moscow" for capitals.
  for (Mention& m : ms_) {
    if (m.pronoun) continue;
    int j = m.tb - 1;
    if (Is(j, "the")) --j;
    if (C(j) & kWcLocPrep) m.place = true;
    // "across all of Syria", "in parts of Yemen".
    if (Is(j, "of") && (Is(j - 1, "all") || Is(j - 1, "parts") || Is(j - 1, "much") ||
                        Is(j - 1, "most") || Is(j - 1, "rest") || Is(j - 1, "part"))) {
      m.place = true;
    }
    if (m.type == SurfaceType::kMetonym && Is(j, "to")) m.place = true;
    // "the outskirts of Tripoli", "south of the capital".
    if (m.type == SurfaceType::kMetonym && Is(j, "of")) {
      static constexpr std::string_view kWhere[] = {
          "outskirts", "suburbs", "streets", "centre", "center", "city", "heart", "south",
          "north", "east", "west", "edge", "gates", "part", "parts", "area", "areas",
          "district", "districts", "airport", "port", "outskirt", "residents", "people",
          "mayor", "skies", "west", "southeast", "southwest", "northeast", "northwest",
          "neighbourhoods", "neighborhoods", "environs", "approaches", "inhabitants"};
      std::string_view prev = W(j - 1);
      for (std::string_view w : kWhere) {
        if (prev == w) m.place = true;
      }
    }
    if (m.te < n_ && (toks_.tokens[m.te].flags & kJoinedPrev) &&
        (Is(m.te, "based") || Is(m.te, "born") || Is(m.te, "bound"))) {
      m.place = true;
    }
  }
  at_.assign(n_, -1);
  for (int k = 0; k < static_cast<int>(ms_.size()); ++k) {
    for (int t = ms_[k].tb; t < ms_[k].te; ++t) at_[t] = k;
  }
}

std::vector<int> DocRun::CompoundBefore(int k) const {
  std::vector<int> best;
  for (int j = 0; j < k; ++j) {
    if (ms_[j].pronoun || ms_[j].place || ms_[j].actor < 0) continue;
    std::vector<int> g = GroupRight(j);
    if (g.size() < 2 || g.back() >= k) continue;
    best.clear();
    for (int m : g) {
      if (std::find(best.begin(), best.end(), ms_[m].actor) == best.end()) best.push_back(ms_[m].actor);
    }
    j = g.back();
  }
  return best.size() >= 2 ? best : std::vector<int>();
}

void DocRun::RememberCompound() {
  for (int j = 0; j < static_cast<int>(ms_.size()); ++j) {
    if (ms_[j].pronoun || ms_[j].place || ms_[j].actor < 0) continue;
    std::vector<int> g = GroupRight(j);
    if (g.size() < 2) continue;
    std::vector<int> actors;
    for (int m : g) {
      if (std::find(actors.begin(), actors.end(), ms_[m].actor) == actors.end()) {
        actors.push_back(ms_[m].actor);
      }
    }
    if (actors.size() >= 2) {
      last_compound_ = actors;
      last_compound_sentence_ = sentence_index_;
    }
    j = g.back();
  }
}

void DocRun::ResolvePronouns() {
  for (size_t k = 0; k < ms_.size(); ++k) {
    Mention& m = ms_[k];
    if (!m.pronoun || m.resolved) continue;
    if (m.plural) {
      std::vector<int> group = CompoundBefore(static_cast<int>(k));
      if (group.empty() && sentence_index_ - last_compound_sentence_ <= 1) group = last_compound_;
      if (group.size() >= 2) {
        m.actor = group[0];
        m.more.assign(group.begin() + 1, group.end());
        continue;
      }
    }
    int found = -1;
    for (int j = static_cast<int>(k) - 1; j >= 0; --j) {
      const Mention& p = ms_[j];
      // Adjectives ("Turkish intervention") are rarely what a pronoun points back to.
      if (p.pronoun || p.place || p.actor < 0 || p.type == SurfaceType::kDemonym) continue;
      if (IsPerson(p.actor) == m.person_pronoun) {
        found = p.actor;
        break;
      }
    }
    // Across sentences a bare "it" is mostly a thing ("It is also opposed by ..."); "its"
    // and "they" still point back to the previous sentence's first state or group.
    if (found < 0 && m.person_pronoun) found = SalientPerson();
    if (found < 0) {
      found = m.person_pronoun ? last_person_ : Is(m.tb, "it") ? -1 : prev_first_group_;
    }
    m.actor = found;
  }
  // Unresolved pronouns are no mentions.
  ms_.erase(std::remove_if(ms_.begin(), ms_.end(), [](const Mention& m) { return m.actor < 0; }),
            ms_.end());
  at_.assign(n_, -1);
  for (int k = 0; k < static_cast<int>(ms_.size()); ++k) {
    for (int t = ms_[k].tb; t < ms_[k].te; ++t) at_[t] = k;
  }
  if (stats_ != nullptr) {
    if (stats_->actor_hits.size() < dict_.actors().size()) {
      stats_->actor_hits.resize(dict_.actors().size());
    }
    for (const Mention& m : ms_) {
      if (!m.pronoun) ++stats_->actor_hits[m.actor];
    }
  }
}

void DocRun::FindTriggers() {
  hits_.clear();
  std::vector<bool> used(n_, false);  // tokens matched as words of a pattern
  for (int i = 0; i < n_; ++i) {
    const Token& t = toks_.tokens[i];
    if (t.vocab < 0 || at_[i] >= 0 || used[i]) continue;
    const std::vector<PatternVariant>* vs = dict_.VariantsStartingWith(t.vocab);
    if (vs == nullptr) continue;
    for (const PatternVariant& v : *vs) {
      const Pattern& pat = dict_.patterns()[v.pattern];
      int k = i + 1;
      bool ok = true;
      for (size_t w = 1; w < v.words.size() && ok; ++w) {
        bool found = false;
        for (int skip = 0; skip <= pat.gap && k + skip < n_; ++skip) {
          int q = k + skip;
          if (toks_.tokens[q].vocab == v.words[w] && at_[q] < 0) {
            k = q + 1;
            found = true;
            break;
          }
          if (((toks_.tokens[q].flags & kPunct) && !Is(q, "'s")) || (C(q) & kWcBoundary)) break;
        }
        ok = found;
      }
      if (!ok) continue;
      if (k < n_ && !pat.not_before_ids.empty() &&
          std::find(pat.not_before_ids.begin(), pat.not_before_ids.end(),
                    toks_.tokens[k].vocab) != pat.not_before_ids.end()) {
        continue;
      }
      // "UN sanctions monitors": a verb's -s form that is also a listed noun reads as the
      // noun unless an object follows.
      if (v.form == Form::kThird) {
        bool noun_too = false;
        for (const PatternVariant& o : *vs) {
          if (o.form == Form::kNoun && o.words.size() == 1) noun_too = true;
        }
        bool object_next = MentionAt(k) >= 0 || (C(k) & (kWcDet | kWcPronPerson | kWcPronThing));
        if (noun_too && !object_next) continue;
      }
      Hit h;
      h.tb = i;
      h.te = k;
      h.pattern = v.pattern;
      h.form = v.form;
      h.nominal = pat.pos == PatternPos::kNoun || pat.pos == PatternPos::kAgent;
      // A verb used as a noun: "the attack", "Russia's support", "Turkish support".
      if (pat.pos == PatternPos::kVerb && (v.form == Form::kBase || v.form == Form::kThird)) {
        int j = i - 1;
        int pm = MentionEndingAt(i);
        bool adjective = pm >= 0 && ms_[pm].type == SurfaceType::kDemonym;
        if ((C(j) & kWcDet) || Is(j, "'s") || adjective) {
          // "to back" after a determiner-like word is still a verb: "the decision to back".
          if (!Is(j, "to")) h.nominal = true;
        }
        // After a preposition a verb form is a noun: "weight of support behind".
        if ((C(j) & kWcPrep) && !Is(j, "to")) h.nominal = true;
        // A bare base form is finite only after a subject, a modal, "to" or "do":
        // "the Resolute Support mission" is no verb.
        if (v.form == Form::kBase && !h.nominal) {
          int q = j;
          while (q >= 0 && (C(q) & (kWcAdverb | kWcNeg))) --q;
          bool finite = q < 0 || MentionEndingAt(q + 1) >= 0 ||
                        (C(q) & (kWcModal | kWcFuture | kWcAux | kWcPronPerson |
                                 kWcPronThing | kWcRelPron | kWcConj | kWcQuote)) ||
                        Is(q, "to") || Is(q, "i") || Is(q, "we") || Is(q, "you") ||
                        Is(q, "\"") || Is(q, ":");
          if (!finite) h.nominal = true;
        }
      }
      // "heavily armed attackers", "the Sunni armed group": a participle before a plain noun
      // is an adjective.
      if (pat.pos == PatternPos::kVerb &&
          (v.form == Form::kPast || v.form == Form::kParticiple ||
           v.form == Form::kPastOrParticiple) &&
          !(toks_.tokens[i].flags & kJoinedPrev) && k < n_ && MentionAt(k) < 0 &&
          (toks_.tokens[k].flags & kWord) && !(toks_.tokens[k].flags & kCap) &&
          !(C(k) & (kWcDet | kWcPrep | kWcAdverb | kWcPronPerson | kWcPronThing | kWcConj |
                    kWcRelPron | kWcAux | kWcModal | kWcFuture | kWcBoundary | kWcSay | kWcNeg)) &&
          !Is(k, "that") && ParticipleIsAdjective(i)) {
        continue;
      }
      // Mark the pattern's own words (not the gap words) as used.
      for (size_t w = 0, q = i; w < v.words.size() && q < static_cast<size_t>(k); ++q) {
        if (toks_.tokens[q].vocab == v.words[w]) {
          used[q] = true;
          ++w;
        }
      }
      hits_.push_back(h);
      break;
    }
  }
}

std::vector<int> DocRun::GroupRight(int m) const {
  std::vector<int> out = {m};
  std::vector<bool> has_and = {true};
  int k = ms_[m].te;
  while (k < n_) {
    int j = k;
    if (Is(j, "(")) {  // "the United Arab Emirates (UAE), and Russia"
      int close = j + 1;
      while (close < n_ && close < j + 6 && !Is(close, ")")) ++close;
      if (Is(close, ")")) j = close + 1;
    }
    bool conj = false, andor = false, comma = false;
    while (j < n_) {
      if (Is(j, ",")) {
        conj = comma = true;
      } else if (Is(j, "and") || Is(j, "or") || Is(j, "&")) {
        conj = andor = true;
      } else if (Is(j, "as") && Is(j + 1, "well") && Is(j + 2, "as")) {
        conj = andor = true;
        j += 2;
      } else {
        break;
      }
      ++j;
    }
    if (!conj) break;
    while (Is(j, "the") || Is(j, "both") || Is(j, "a") || Is(j, "an")) ++j;
    int next = MentionAt(j);
    if (next < 0 || ms_[next].place) break;
    // "X, and Russia has ..." starts a new clause: the next mention is a subject.
    int after = ms_[next].te;
    if (comma && (C(after) & (kWcAux | kWcModal | kWcFuture | kWcSay))) break;
    out.push_back(next);
    has_and.push_back(andor);
    k = ms_[next].te;
  }
  // "A, B and C": keep members up to the last and/or.
  int last = 0;
  for (int i = 0; i < static_cast<int>(out.size()); ++i) {
    if (has_and[i]) last = i;
  }
  out.resize(last + 1);
  return out;
}

std::vector<int> DocRun::GroupLeft(int m) const {
  std::vector<int> out = {m};
  int k = ms_[m].tb;
  bool first = true;
  while (k > 0) {
    int j = k - 1;
    while (Is(j, "the") || Is(j, "both")) --j;
    bool conj = false, andor = false;
    while (j >= 0) {
      if (Is(j, ",")) {
        conj = true;
      } else if (Is(j, "and") || Is(j, "or") || Is(j, "&")) {
        conj = andor = true;
      } else {
        break;
      }
      --j;
    }
    if (!conj || (first && !andor)) break;
    j = SkipParenLeft(j);
    int prev = MentionEndingAt(j + 1);
    if (prev < 0 || ms_[prev].place) break;
    out.push_back(prev);
    k = ms_[prev].tb;
    first = false;
  }
  return out;
}

bool DocRun::PrepositionBefore(int m) const {
  int b = ms_[m].tb - 1;
  while (b >= 0 && (Is(b, "the") || (C(b) & kWcDet))) --b;
  return b >= 0 && (C(b) & kWcPrep) && !Is(b, "by");
}

int DocRun::SkipParenLeft(int j) const {
  if (!Is(j, ")")) return j;
  for (int k = j - 1; k >= std::max(0, j - 6); --k) {
    if (Is(k, "(")) return k - 1;
  }
  return j;
}

int DocRun::Antecedent(int j) const {
  int k = j - 1;
  while (k >= 0 && Is(k, ",")) --k;
  k = SkipParenLeft(k);
  int a = MentionEndingAt(k + 1);
  if (a >= 0 && !ms_[a].place) return a;
  // An appositive between the name and the pronoun: "France, another NATO ally, which".
  if (Is(j - 1, ",")) {
    for (int q = k; q >= std::max(0, k - 8); --q) {
      if (Is(q, ",")) {
        int r = SkipParenLeft(q - 1);
        int b = MentionEndingAt(r + 1);
        if (b >= 0 && !ms_[b].place) return b;
        break;
      }
      if (C(q) & (kWcBoundary | kWcRelPron)) break;
    }
  }
  return -1;
}

int DocRun::ClauseStart(int i) const {
  for (int j = i - 1; j >= 0; --j) {
    if (C(j) & kWcBoundary) return j + 1;
  }
  return 0;
}

bool DocRun::Negated(int tb) const {
  int start = std::max(ClauseStart(tb), tb - 4);
  for (int j = tb - 1; j >= start; --j) {
    if (at_[j] >= 0) break;  // the subject: a negation before it is another matter
    if (C(j) & kWcNeg) return true;
  }
  return false;
}

bool DocRun::UndoneNoun(int tb, RelationKind kind) const {
  static constexpr std::string_view kUndo[] = {
      "cancelled", "canceled", "cancel", "cancels", "postponed", "postpone", "scrapped",
      "planned", "proposed", "lifted", "lift", "lifts", "eased", "ease", "ended", "end", "ends",
      "removed", "reduced", "cut", "cuts", "halted", "halt", "suspended", "suspend", "stopped",
      "stop", "withdrew", "withdrawn", "called", "rejected", "refused", "denied", "possible",
      "potential", "future", "prospective", "proposed", "alleged"};
  (void)kind;
  for (int j = tb - 1; j >= std::max(0, tb - 4); --j) {
    if (at_[j] >= 0 || (toks_.tokens[j].flags & kPunct)) break;
    std::string_view w = W(j);
    for (std::string_view u : kUndo) {
      if (w == u) return true;
    }
  }
  return false;
}

bool DocRun::Irrealis(int tb, RelationKind kind) const {
  // Demands, appeals and offers: "demanded that X ...", "urged X to ...", "a call for X to".
  for (int j = tb - 1; j >= 0; --j) {
    if (Is(j, ";") || Is(j, ".") || Is(j, ",") || (C(j) & (kWcBoundary | kWcRelPron))) break;
    if ((C(j) & kWcIrrealis) && (Is(j + 1, "that") || Is(j + 2, "that") || Is(j + 1, "for"))) {
      return kind != RelationKind::kThreaten;
    }
  }
  int start = ClauseStart(tb);
  // A conditional or a question word in the clause before the trigger.
  for (int j = tb - 1; j >= start; --j) {
    if (C(j) & kWcIf) return true;
  }
  // A modal right before: "could send troops". Threats are voiced as possibilities.
  for (int j = tb - 1; j >= std::max(start, tb - 4); --j) {
    uint32_t c = C(j);
    if (c & kWcModal) return kind != RelationKind::kThreaten;
    if (c & (kWcAdverb | kWcNeg | kWcAux)) continue;
    if (Is(j, "to")) {
      // "threatened to impose sanctions": intention, not a fact.
      int g = j - 1;
      while (g >= start && (C(g) & (kWcAdverb | kWcDet))) --g;
      if (C(g) & kWcIrrealis) return true;
      break;
    }
    break;
  }
  return false;
}

// The nearest actor mention left of `from` (exclusive), skipping places and mentions that
// are objects of prepositions; stops at clause boundaries unless told to cross them.
Side DocRun::NearestLeft(int from, int max_back, bool cross_boundaries) const {
  Side s;
  int fallback = -1;
  int stop = std::max(0, from - max_back);
  for (int j = from - 1; j >= stop; --j) {
    if (!cross_boundaries && ((C(j) & kWcBoundary) || Is(j, "where") || Is(j, "when"))) break;
    int m = at_[j];
    if (m < 0) continue;
    const Mention& mm = ms_[m];
    j = mm.tb;  // jump over the mention
    if (mm.place) continue;
    int before = mm.tb - 1;
    while (before >= 0 && (Is(before, "the") || (C(before) & kWcDet))) --before;
    if ((C(before) & kWcPrep) && !Is(before, "by")) continue;
    // A bare adjective ("a Russian company") is a weak subject: keep looking, fall back to it.
    if (mm.type == SurfaceType::kDemonym && !mm.role) {
      if (fallback < 0) fallback = m;
      continue;
    }
    s.mentions = GroupLeft(m);
    s.confidence = 0.65 - 0.01 * std::max(0, from - mm.te);
    return s;
  }
  if (fallback >= 0) {
    s.mentions = {fallback};
    s.confidence = 0.5;
  }
  return s;
}

Side DocRun::ActiveSubject(int hi) { return SubjectOf(hits_[hi].tb, hi); }

Side DocRun::SubjectOf(int verb, int hi) {
  Side s;
  int j = verb - 1;
  auto skip_verb_group = [&] {
    while (j >= 0 && ((C(j) & (kWcAdverb | kWcAux | kWcModal | kWcFuture | kWcNeg | kWcQuote)) ||
                      Is(j, "-"))) {
      --j;
    }
  };
  skip_verb_group();
  // "which has opted to throw", "decided to send": a catenative verb before "to".
  for (int round = 0; round < 2 && Is(j, "to"); ++round) {
    --j;
    if (j >= 0 && at_[j] < 0 && !(toks_.tokens[j].flags & kPunct) && !(C(j) & kWcDet)) --j;
    skip_verb_group();
  }
  if (j < 0) return s;
  int m = MentionEndingAt(j + 1);
  if (m >= 0 && !ms_[m].place && !PrepositionBefore(m)) {
    s.mentions = GroupLeft(m);
    s.confidence = 0.85;
    return s;
  }
  if (Is(j, ",")) {
    // "Saad Hariri, who heads the bloc, criticised ...": skip the relative clause.
    for (int k = j - 1; k >= std::max(0, j - 20); --k) {
      if (Is(k, ",") || (C(k) & kWcBoundary)) {
        if (!(C(k + 1) & kWcRelPron)) break;
        int a = Antecedent(k + 1);
        if (a >= 0) {
          s.mentions = GroupLeft(a);
          s.confidence = 0.75;
          return s;
        }
        break;
      }
    }
  }
  if (Is(j, "and") || Is(j, ",") || Is(j, "but")) {
    // Coordinated verbs share the subject: "Egypt condemned X and warned Y".
    int j2 = j;
    while (j2 >= 0 && (Is(j2, "and") || Is(j2, ",") || Is(j2, "but"))) --j2;
    for (int p = hi - 1; p >= 0; --p) {
      if (hits_[p].subject_done && !hits_[p].subject.empty() && !hits_[p].nominal) {
        s = hits_[p].subject;
        s.confidence = std::min(0.75, s.confidence);
        return s;
      }
    }
  }
  if (C(j) & kWcRelPron) {
    int a = Antecedent(j);
    if (a >= 0) {
      // After an appositive ("France, another ally, which") the antecedent is that one name.
      bool appositive = ms_[a].te + 1 < j && !Is(ms_[a].te, ")");
      s.mentions = appositive ? std::vector<int>{a} : GroupLeft(a);
      s.confidence = 0.8;
      return s;
    }
  }
  Side left = NearestLeft(verb, 25, false);
  // "Turkey dismissed the Egyptian threat and vowed to keep supporting the GNA": the nearest
  // actor is the object of an earlier verb, whose subject is also this one's.
  if (!left.empty()) {
    for (int p = hi - 1; p >= 0; --p) {
      const Hit& o = hits_[p];
      if (!o.subject_done || o.subject.empty() || o.nominal) continue;
      for (int om : o.object.mentions) {
        if (om == left.mentions[0]) {
          Side s2 = o.subject;
          s2.confidence = std::min(0.7, s2.confidence);
          return s2;
        }
      }
    }
  }
  return left;
}

Side DocRun::ObjectRight(int from, int limit, int skip_b, int skip_e, const Side& subject,
                         const Pattern& pat) const {
  const RelationKind kind = pat.kind;
  Side s;
  auto in_subject = [&](int m) {
    for (int x : subject.mentions) {
      if (ms_[x].actor == ms_[m].actor) return true;
    }
    return false;
  };
  int end = std::min(n_, limit);
  for (int k = from; k < end; ++k) {
    if (k >= skip_b && k < skip_e && at_[k] < 0) continue;
    uint32_t c = C(k);
    if ((c & kWcBoundary) || (c & kWcRelPron) || Is(k, ".") || Is(k, "!") || Is(k, "?")) break;
    if (Is(k, ",") || Is(k, "-")) break;  // a new clause or an aside; lists are GroupRight's job
    // "rejected the claim and said ...", "condemned X, saying ...".
    if ((c & kWcSay) && k > skip_e && (Is(k - 1, "and") || Is(k - 1, ","))) break;
    if (k >= skip_e && at_[k] < 0 && (Is(k - 1, "and") || Is(k - 1, ","))) {
      // Another verb starts its own relation: "condemned X and expelled Y".
      bool other_verb = false;
      for (const Hit& o : hits_) {
        if (o.tb == k && !o.nominal) other_verb = true;
      }
      if (other_verb) break;
    }
    if (Is(k, "and") && k > from) {
      int nm = MentionAt(k + 1);
      if (nm >= 0 && (C(ms_[nm].te) & (kWcAux | kWcModal | kWcFuture | kWcSay))) break;
    }
    // "seized ships on suspicion of violating U.N. sanctions": a new verb phrase.
    if (k > skip_e && (C(k - 1) & kWcPrep) && W(k).size() > 4 &&
        W(k).substr(W(k).size() - 3) == "ing" && MentionAt(k) < 0) {
      break;
    }
    // "fighting ... in support of X", "on behalf of X": the rest is whom the act helps.
    if (Info(kind).sign < 0 && (Is(k, "support") || Is(k, "behalf") || Is(k, "alongside"))) break;
    // "warned that <subject> ...": only an actor right after "that" can be the target.
    if (Is(k, "that") && k >= skip_e && pat.direct_object) break;
    if (Is(k, "that") && k >= skip_e) {
      int q = k + 1;
      while (q < n_ && (C(q) & kWcDet) && MentionAt(q) < 0) ++q;
      int sm = MentionAt(q);
      if (sm < 0 || (ms_[sm].pronoun && !ms_[sm].person_pronoun)) break;
    }
    int m = MentionAt(k);
    if (m < 0) continue;
    k = ms_[m].te - 1;
    // A name used as a modifier is no target: "a Qatari-mediated deal", "the Navalny case".
    if (ms_[m].te < n_ && (toks_.tokens[ms_[m].te].flags & kJoinedPrev)) continue;
    if (IsPerson(ms_[m].actor) && !ms_[m].pronoun && ms_[m].type == SurfaceType::kName &&
        (Is(ms_[m].tb - 1, "the") || Is(ms_[m].tb - 1, "a")) &&
        ms_[m].te < n_ && (toks_.tokens[ms_[m].te].flags & kWord) &&
        !(toks_.tokens[ms_[m].te].flags & kCap) &&
        !(C(ms_[m].te) & (kWcAux | kWcModal | kWcFuture | kWcSay | kWcAdverb | kWcPrep |
                          kWcLocPrep | kWcConj | kWcRelPron | kWcNeg | kWcBoundary)) &&
        dict_.VariantsStartingWith(toks_.tokens[ms_[m].te].vocab) == nullptr) {
      continue;
    }
    int before = ms_[m].tb - 1;
    while (Is(before, "the")) --before;
    // A place is a target only of an attack on it: "fired missiles at Riyadh".
    bool attacked_place = kind == RelationKind::kFight && (Is(before, "at") || Is(before, "on"));
    if ((ms_[m].place && !attacked_place && !pat.place_target) || in_subject(m)) continue;
    // Origins are no targets of material or hostile acts: "mercenaries from Syria". A
    // refusal or a criticism of something "from X" is aimed at X.
    if (Is(before, "from") && kind != RelationKind::kReject && kind != RelationKind::kCriticize &&
        kind != RelationKind::kSupport) {
      continue;
    }
    if (pat.destination && (Is(before, "to") || Is(before, "into")) &&
        dict_.actors()[ms_[m].actor].actor.kind == ActorKind::kState) {
      continue;
    }
    // "backed the uprising against Assad": whoever follows "against" is not helped.
    if (Is(before, "against") && Info(kind).sign > 0) break;
    // "it", "them", "their" after a verb are mostly things ("oppose it"); only persons count.
    // A pronoun that starts a clause ("warning they would be ...") ends the search.
    if (ms_[m].pronoun && !ms_[m].person_pronoun) {
      if (C(ms_[m].te) & (kWcAux | kWcModal | kWcFuture)) break;
      continue;
    }
    // "promised Egypt support", "offered its troops to Lebanon": some verbs take an actor only
    // as direct object or after "to"; never inside a that-clause ("promised that Turkey ...").
    if (pat.direct_object) {
      bool direct = true;
      for (int q = skip_e; q < ms_[m].tb; ++q) {
        if (!(C(q) & kWcDet)) direct = false;
      }
      if (!direct && !Is(before, "to")) continue;
    }
    // The topic of a verb is no target: "quarrelling about Libya", "despite Russia".
    if (Is(before, "about") || Is(before, "regarding") || Is(before, "concerning") ||
        Is(before, "despite") || Is(before, "amid") || Is(before, "like") ||
        Is(before, "than")) {
      continue;
    }
    s.mentions = GroupRight(m);
    s.confidence = 0.9 - 0.02 * std::max(0, ms_[m].tb - from);
    return s;
  }
  return s;
}

std::vector<std::pair<int, bool>> DocRun::ActorsOf(const std::vector<int>& mentions) const {
  std::vector<std::pair<int, bool>> out;
  for (int m : mentions) {
    out.emplace_back(ms_[m].actor, ms_[m].pronoun);
    for (int a : ms_[m].more) out.emplace_back(a, true);
  }
  return out;
}

void DocRun::Emit(const Side& src, const Side& tgt, int pattern, double conf) {
  for (auto [sa, sp] : ActorsOf(src.mentions)) {
    for (auto [ta, tp] : ActorsOf(tgt.mentions)) {
      if (sa == ta) continue;
      Candidate c;
      c.source = sa;
      c.target = ta;
      double pc = conf;
      if (sp || tp) pc *= 0.85;
      c.pattern = pattern;
      c.rule = rule_;
      c.confidence = std::clamp(pc, 0.05, 0.99);
      c.sent_begin = span_.begin;
      c.sent_end = span_.end;
      c.cp_begin = cp_begin_;
      c.cp_end = cp_end_;
      cands_.push_back(c);
    }
  }
}

void DocRun::EmitPairs(const std::vector<int>& group, int pattern, double conf) {
  auto actors = ActorsOf(group);
  for (size_t i = 0; i + 1 < actors.size(); ++i) {
    for (size_t j = i + 1; j < actors.size(); ++j) {
      if (actors[i].first == actors[j].first) continue;
      Candidate c;
      c.source = actors[i].first;
      c.target = actors[j].first;
      c.pattern = pattern;
      c.rule = rule_;
      c.confidence = std::clamp(conf * (actors[i].second || actors[j].second ? 0.85 : 1.0), 0.05, 0.99);
      c.sent_begin = span_.begin;
      c.sent_end = span_.end;
      c.cp_begin = cp_begin_;
      c.cp_end = cp_end_;
      cands_.push_back(c);
    }
  }
}

void DocRun::Relate(int hi) {
  Hit& h = hits_[hi];
  const Pattern& pat = dict_.patterns()[h.pattern];
  if (question_) return;
  bool negated = Negated(h.tb);
  bool irrealis = Irrealis(h.tb, pat.kind);
  auto blocked = [&] { return negated || irrealis; };

  if (pat.pos == PatternPos::kAgent) {
    // Owner: "his backers", "Haftar's most loyal backers", "backers of President Putin".
    Side owner, member;
    int j = h.tb - 1;
    for (int adj = 0; adj < 5 && j >= 0 && at_[j] < 0 && !(toks_.tokens[j].flags & kPunct) &&
                      !(C(j) & (kWcPossPron | kWcPrep | kWcAux | kWcRelPron)) && !Is(j, "'s");
         ++adj) {
      --j;
    }
    int pm = MentionEndingAt(j + 1);
    if (pm >= 0 && !ms_[pm].place) {
      // "a NATO ally", "an EU partner": membership, not backing.
      if (dict_.actors()[ms_[pm].actor].actor.kind == ActorKind::kIgo) return;
      owner.mentions = {pm};
      j = ms_[pm].tb - 1;
    } else if (Is(j, "'s") && MentionEndingAt(j) >= 0) {
      pm = MentionEndingAt(j);
      owner.mentions = {pm};
      j = ms_[pm].tb - 1;
    } else {
      if (Is(h.te, "of")) {
        int k = h.te + 1;
        while (Is(k, "the") || ((C(k) & kWcTitle) && MentionAt(k) < 0 && k < h.te + 4)) ++k;
        int om = MentionAt(k);
        if (om >= 0 && !ms_[om].place) owner.mentions = {om};
      }
    }
    if (owner.empty()) return;
    while (j >= 0 && (C(j) & kWcDet)) --j;
    // Member: "X is among ...", "X, (one of) ...", "X being among ...", "X is ... a backer".
    if (Is(j, "among") || Is(j, "of")) --j;
    if (Is(j, "one")) --j;
    while (j >= 0 && (C(j) & (kWcAux | kWcAdverb))) --j;
    if (Is(j, "remains") || Is(j, "remain") || Is(j, "became") || Is(j, "become")) --j;
    if (Is(j, ",")) --j;
    j = SkipParenLeft(j);
    int mm = MentionEndingAt(j + 1);
    if (mm < 0 || ms_[mm].place) return;
    member.mentions = GroupLeft(mm);
    if (blocked()) return;
    rule_ = "agent-noun";
    Emit(member, owner, h.pattern, 0.75);
    return;
  }

  if (h.nominal && UndoneNoun(h.tb, pat.kind)) return;
  if (h.nominal) {
    Side src, tgt;
    int j = h.tb - 1;
    int adjs = 0;
    while (j >= 0 && adjs < 2 && (C(j) & kWcDet) && !(C(j) & kWcPossPron) && !Is(j, "the")) {
      --j;
      ++adjs;
    }
    int om = MentionEndingAt(j + 1);
    if (om < 0 && Is(j, "'s")) om = MentionEndingAt(j);
    if (om >= 0 && !ms_[om].place) {
      src.mentions = GroupLeft(om);
      src.confidence = 0.75;
    }
    std::vector<int> between;
    int tgt_prep = -1;
    // "support for X from Y": each preposition follows the noun or the other phrase.
    int end_scan = std::min(n_, h.te + (pat.symmetric ? 5 : 2));
    for (int k = h.te; k < end_scan; ++k) {
      uint32_t c = C(k);
      if (c & kWcBoundary) break;
      int q = k + 1;
      // "support for embattled Syrian President Assad": articles, adjectives and titles.
      for (int skip = 0; skip < 3 && q < n_ && MentionAt(q) < 0 &&
                         (toks_.tokens[q].flags & kWord) && !(C(q) & (kWcPrep | kWcConj)) &&
                         (Is(q, "the") || (C(q) & (kWcDet | kWcTitle)) ||
                          !(toks_.tokens[q].flags & kCap));
           ++skip) {
        ++q;
      }
      int mq = MentionAt(q);
      if (Is(k, "between") && mq >= 0) {
        between = GroupRight(mq);
        break;
      }
      if (!pat.symmetric && k >= h.te + 2) break;
      if (mq < 0 || ms_[mq].place) continue;
      if ((Is(k, "from") || Is(k, "by")) && src.empty()) {
        src.mentions = GroupRight(mq);
        src.confidence = 0.7;
        k = ms_[mq].te - 1;
        end_scan = std::min(n_, ms_[mq].te + 2);
      } else if ((Is(k, "for") || Is(k, "to") || Is(k, "against") || Is(k, "on") ||
                  Is(k, "with") || Is(k, "toward") || Is(k, "towards")) &&
                 tgt.empty()) {
        tgt_prep = k;
        tgt.mentions = GroupRight(mq);
        k = ms_[mq].te - 1;
        end_scan = std::min(n_, ms_[mq].te + 2);
      }
    }
    if (blocked()) return;
    if (between.size() >= 2 && pat.symmetric) {
      rule_ = "noun-between";
      EmitPairs(between, h.pattern, 0.7);
      return;
    }
    if (between.size() >= 2 && !src.empty()) {
      // "X's mediation between A and B": X acts on each party.
      Side parties;
      parties.mentions = between;
      rule_ = "noun-between";
      Emit(src, parties, h.pattern, 0.7);
      return;
    }
    // "Russia has a defence pact with Armenia", "Hadi made a defiant attack on the Houthis":
    // a light verb lends its subject to the noun.
    int hv = h.tb - 1;
    while (hv >= 0 && hv > h.tb - 5 && !(toks_.tokens[hv].flags & kPunct) && !IsLightVerb(hv) &&
           MentionEndingAt(hv + 1) < 0 && (!(C(hv) & kWcPrep) || Is(hv, "in"))) {
      --hv;
    }
    if (src.empty() && !tgt.empty() && hv >= 0 && IsLightVerb(hv) &&
        (!pat.symmetric || Is(tgt_prep, "with"))) {
      src = SubjectOf(hv, hi);
    }
    // "Israel responded with air strikes against Hamas": with no owner and no verb of its
    // own in between, the clause's subject carries out the act.
    if (src.empty() && !tgt.empty() && !pat.symmetric && WithBefore(h.tb)) {
      bool other_verb = false;
      int start = ClauseStart(h.tb);
      for (const Hit& o : hits_) {
        if (&o != &h && !o.nominal && o.tb >= start && o.tb < h.tb) other_verb = true;
      }
      if (!other_verb) {
        src = SubjectOf(h.tb, hi);
        src.confidence = std::min(src.confidence, 0.55);
      }
    }
    // "fighting across Syria in support of Assad": the clause's subject gives the support.
    if (src.empty() && tgt.empty() && Is(h.tb - 1, "in") && Is(h.te, "of")) {
      int k = h.te + 1;
      while (Is(k, "the") || ((C(k) & kWcTitle) && MentionAt(k) < 0 && k < h.te + 4)) ++k;
      int om = MentionAt(k);
      if (om >= 0 && !ms_[om].place) {
        tgt.mentions = GroupRight(om);
        src = SubjectOf(h.tb - 1, hi);
      }
    }
    if (!src.empty() && !tgt.empty()) {
      rule_ = "noun";
      Emit(src, tgt, h.pattern, src.confidence);
    } else if (src.empty() && !tgt.empty() && h.tb <= 3 &&
               (Is(0, "after") || Is(0, "during") || Is(0, "following") || Is(0, "on"))) {
      // "After a visit to Mali on Sunday, Nana Akufo-Addo said": the visitor comes next.
      int last = 0;
      for (int tm : tgt.mentions) last = std::max(last, ms_[tm].te);
      for (int k = last; k < std::min(n_, last + 8); ++k) {
        int sm = MentionAt(k);
        if (sm < 0) continue;
        if (!ms_[sm].place && !ms_[sm].pronoun) {
          Side visitor;
          visitor.mentions = {sm};
          rule_ = "noun-fronted";
          Emit(visitor, tgt, h.pattern, 0.6);
        }
        break;
      }
    } else if (src.empty() && tgt.empty() && pat.symmetric && Is(h.tb - 2, "at") &&
               h.tb - 2 == ClauseStartOrSentence(h.tb)) {
      // "At a meeting in Istanbul, the two leaders agreed ...": the participants are the
      // plural subject after the opening phrase.
      for (int k = h.te; k < std::min(n_, h.te + 12); ++k) {
        if (!Is(k, ",")) continue;
        int sm = MentionAt(k + 1);
        if (sm >= 0 && !ms_[sm].place && ActorsOf(GroupRight(sm)).size() >= 2) {
          rule_ = "noun-participants";
          EmitPairs(GroupRight(sm), h.pattern, 0.6);
        }
        break;
      }
    }
    return;
  }

  bool participle = h.form == Form::kPast || h.form == Form::kParticiple ||
                    h.form == Form::kPastOrParticiple;
  // Adjectival: "the UN-backed government", "Turkish-made drones".
  if (participle && (toks_.tokens[h.tb].flags & kJoinedPrev)) {
    int sm = MentionEndingAt(h.tb);
    if (sm < 0) return;
    Side src, tgt;
    src.mentions = {sm};
    for (int k = h.te; k < std::min(n_, h.te + 5); ++k) {
      int m = MentionAt(k);
      if (m >= 0 && !ms_[m].place) {
        tgt.mentions = {m};
        break;
      }
      if (C(k) & kWcBoundary) break;
    }
    h.subject_done = true;
    if (tgt.empty() || blocked()) return;
    rule_ = "adjectival";
    Emit(src, tgt, h.pattern, 0.85);
    return;
  }

  // "the besieged GNA": a participle used as an adjective is no event, unless "by" names
  // the agent ("the government backed by Turkey").
  if (participle && (C(h.tb - 1) & kWcDet) && !Is(h.te, "by")) {
    h.subject_done = true;
    return;
  }
  // Passive: "was rejected by Haftar", "backed by Egypt and Russia".
  if (participle) {
    int a = h.te;
    while (a < n_ && (C(a) & kWcAdverb)) ++a;
    bool by = Is(a, "by");
    // "slammed as 'groundless' by X", "signed on Friday by X".
    if (!by && (Is(a, "as") || Is(a, "on") || Is(a, "in") || Is(a, "at") || Is(a, "last") ||
                Is(a, "earlier") || Is(a, "this"))) {
      for (int q = a + 1; q < std::min(n_, a + 10); ++q) {
        if (Is(q, "by")) {
          by = true;
          a = q;
          break;
        }
        if (Is(q, ",") || Is(q, ".") || (C(q) & kWcBoundary) || MentionAt(q) >= 0) break;
      }
    }
    int b = h.tb - 1;
    while (b >= 0 && (C(b) & (kWcAdverb | kWcNeg))) --b;
    bool be = b >= 0 && (C(b) & kWcAux) && !Is(b, "has") && !Is(b, "have") && !Is(b, "had");
    if (by || be) {
      if (!by) {
        h.subject_done = true;
        return;  // agentless passive: no source
      }
      int k = a + 1;
      while (k < n_ && (C(k) & kWcDet) && MentionAt(k) < 0) ++k;
      int am = MentionAt(k);
      if (am < 0 || ms_[am].place) return;
      Side agent;
      agent.mentions = GroupRight(am);
      if (pat.pairs_only && ActorsOf(agent.mentions).size() < 2) {
        h.subject_done = true;
        return;
      }
      if (pat.symmetric && ActorsOf(agent.mentions).size() >= 2) {
        h.subject_done = true;
        h.subject = agent;
        if (blocked()) return;
        rule_ = "passive-pairs";
        EmitPairs(agent.mentions, h.pattern, 0.7);
        return;
      }
      Side patient;
      // The patient: the subject before the verb group, or the antecedent of "which".
      int j = b;
      while (j >= 0 && (C(j) & (kWcAux | kWcAdverb | kWcNeg))) --j;
      double conf = 0.8;
      if (C(j) & kWcRelPron) {
        patient = NearestLeft(j, 30, true);
        conf = 0.7;
      } else {
        int pm = MentionEndingAt(j + 1);
        if (pm >= 0 && !ms_[pm].place) {
          patient.mentions = GroupLeft(pm);
        } else {
          patient = NearestLeft(h.tb, 15, false);
          conf = 0.65;
        }
      }
      h.subject_done = true;
      h.subject = agent;
      if (patient.empty() || blocked()) return;
      rule_ = "passive";
      Emit(agent, patient, h.pattern, conf);
      return;
    }
  }

  // Active voice.
  Side subj = ActiveSubject(hi);
  // "Egyptian officials worked with their counterparts from the UAE to deliver weapons":
  // partners named after "with" before "to VERB" act too.
  if (!subj.empty() && Is(h.tb - 1, "to")) {
    int last = 0;
    for (int sm : subj.mentions) last = std::max(last, ms_[sm].te);
    for (int k = last; k < h.tb - 1; ++k) {
      if (!Is(k, "with") || !(Is(k - 1, "worked") || Is(k - 1, "cooperated") ||
                              Is(k - 1, "co-operated") || Is(k - 1, "partnered") ||
                              Is(k - 1, "teamed") || Is(k - 1, "coordinated") ||
                              Is(k - 1, "colluded") || Is(k - 1, "collaborated") ||
                              Is(k - 2, "joined"))) {
        continue;
      }
      for (int q = k + 1; q < std::min(h.tb - 1, k + 7); ++q) {
        int pm = MentionAt(q);
        if (pm >= 0 && !ms_[pm].place) {
          subj.mentions.push_back(pm);
          break;
        }
      }
      break;
    }
  }
  // "Hamas has joined the PA in condemning X": who joined and whom they joined both act.
  if (h.form == Form::kGerund && Is(h.tb - 1, "in")) {
    int om = MentionEndingAt(h.tb - 1);
    int jv = om >= 0 ? ms_[om].tb - 1 : -1;
    while (jv >= 0 && (C(jv) & kWcDet)) --jv;
    std::string_view w = W(jv);
    if (om >= 0 && (w == "joined" || w == "join" || w == "joins" || w == "joining")) {
      Side joiner = SubjectOf(jv, hi);
      subj.mentions = joiner.mentions;
      subj.mentions.push_back(om);
      subj.confidence = 0.7;
    }
  }
  h.subject = subj;
  h.subject_done = true;
  if (subj.empty()) return;
  if (pat.pairs_only) {
    if (ActorsOf(subj.mentions).size() >= 2 && !blocked()) {
      std::vector<int> g = subj.mentions;
      std::reverse(g.begin(), g.end());
      rule_ = "pairs-only";
      EmitPairs(g, h.pattern, 0.7);
    }
    return;
  }
  if (pat.symmetric && ActorsOf(subj.mentions).size() >= 2 && !Is(h.te, "with")) {
    // "France and Italy were quarrelling": the members relate to each other.
    if (blocked()) return;
    std::vector<int> g = subj.mentions;
    std::reverse(g.begin(), g.end());
    rule_ = "compound-symmetric";
    EmitPairs(g, h.pattern, 0.75);
    return;
  }
  Side obj = ObjectRight(h.tb + 1, h.te + 12, h.tb + 1, h.te, subj, pat);
  h.object = obj;
  if (blocked()) return;
  if (obj.empty() && pat.implicit_target && !ObjectFollows(h.te)) {
    // "ECOWAS has lifted sanctions": on the country the article is about.
    int state = DominantState();
    if (state >= 0) {
      Mention implicit;
      implicit.tb = implicit.te = h.te;
      implicit.actor = state;
      implicit.pronoun = true;
      ms_.push_back(implicit);
      obj.mentions = {static_cast<int>(ms_.size()) - 1};
      rule_ = "implicit-target";
      Emit(subj, obj, h.pattern, 0.5);
      ms_.pop_back();
      return;
    }
  }
  if (obj.empty()) {
    if (pat.symmetric && ActorsOf(subj.mentions).size() >= 2) {
      std::vector<int> g = subj.mentions;
      std::reverse(g.begin(), g.end());
      rule_ = "symmetric-no-object";
      EmitPairs(g, h.pattern, 0.7);
    }
    return;
  }
  rule_ = "active";
  Emit(subj, obj, h.pattern, std::min(subj.confidence, obj.confidence));
}

}  // namespace

Extractor::Extractor(const Dictionary& dict, ExtractOptions options)
    : dict_(dict), options_(options) {}

std::string Extractor::CountryCode(int actor, Day date) const {
  std::string iso = dict_.CountryOn(actor, date);
  if (!iso.empty() || !options_.cameo_org_codes) return iso;
  ActorKind k = dict_.actors()[dict_.SpeaksFor(actor, date)].actor.kind;
  if (k == ActorKind::kIgo) return "IGO";
  if (k == ActorKind::kNgo) return "NGO";
  return "";
}

std::vector<Observation> Extractor::Extract(const Document& doc, ExtractStats* stats) const {
  if (stats != nullptr) {
    ++stats->documents;
    stats->bytes += static_cast<int64_t>(doc.text.size());
    if (stats->pattern_hits.size() < dict_.patterns().size()) {
      stats->pattern_hits.resize(dict_.patterns().size());
    }
  }
  DocRun run(dict_, doc, stats, options_.trace);
  run.Run();
  // One observation per (source, target, kind): the most confident evidence, first wins ties.
  // Key: source, target, kind packed into 64 bits.
  absl::flat_hash_map<uint64_t, size_t> best;
  std::vector<const Candidate*> order;
  for (const Candidate& c : run.candidates()) {
    if (options_.trace != nullptr) {
      *options_.trace << doc.id << " [" << c.rule << " " << c.confidence << "] "
                      << dict_.actors()[c.source].actor.id << " -"
                      << RelationKindName(dict_.patterns()[c.pattern].kind) << "-> "
                      << dict_.actors()[c.target].actor.id << " (\""
                      << dict_.patterns()[c.pattern].text << "\")\n";
    }
    // Relations inside one side (a leader and his state) are no relations.
    int gs = dict_.SpeaksFor(c.source, doc.date);
    int gt = dict_.SpeaksFor(c.target, doc.date);
    if (c.source == c.target || gs == gt || gs == c.target || gt == c.source) continue;
    if (dict_.EverServed(c.source, c.target) || dict_.EverServed(c.target, c.source)) continue;
    if (c.confidence < options_.min_confidence) continue;
    uint64_t key = (static_cast<uint64_t>(c.source) << 36) |
                   (static_cast<uint64_t>(c.target) << 8) |
                   static_cast<uint64_t>(dict_.patterns()[c.pattern].kind);
    auto it = best.find(key);
    if (it == best.end()) {
      best.emplace(key, order.size());
      order.push_back(&c);
    } else if (c.confidence > order[it->second]->confidence) {
      order[it->second] = &c;
    }
  }
  std::vector<Observation> out;
  out.reserve(order.size());
  for (const Candidate* c : order) {
    const Pattern& p = dict_.patterns()[c->pattern];
    const Actor& s = dict_.actors()[c->source].actor;
    const Actor& t = dict_.actors()[c->target].actor;
    Observation o;
    o.source = s.id;
    o.target = t.id;
    o.source_name = s.name;
    o.target_name = t.name;
    o.source_country = CountryCode(c->source, doc.date);
    o.target_country = CountryCode(c->target, doc.date);
    o.kind = p.kind;
    o.sign = Info(p.kind).sign;
    o.weight = p.weight;
    o.confidence = std::round(c->confidence * 100) / 100;
    o.cameo = p.cameo;
    o.date = doc.date;
    o.evidence.doc = doc.id;
    o.evidence.url = doc.url;
    o.evidence.sentence = doc.text.substr(c->sent_begin, c->sent_end - c->sent_begin);
    o.evidence.begin = c->cp_begin;
    o.evidence.end = c->cp_end;
    o.id = ObservationId(doc.id, o.evidence.begin, o.evidence.end, o.source, o.target, o.kind);
    if (stats != nullptr) ++stats->pattern_hits[c->pattern];
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace actorgraph::extract
