// Text -> relation observations: sentence split, actor mentions (names, aliases, demonyms,
// metonyms, role phrases, pronouns), relation triggers from the lexicon, source/target
// assignment (active, passive, adjectival, nominal, agent nouns, compound actors), filters
// (negation, hypotheticals, questions) and per-document deduplication.
// An Extractor is immutable and thread-safe: share one across worker threads.
#ifndef ACTORGRAPH_TOOLS_EXTRACT_EXTRACTOR_H_
#define ACTORGRAPH_TOOLS_EXTRACT_EXTRACTOR_H_

#include <cstdint>
#include <ostream>
#include <vector>

#include "graph/types.h"
#include "tools/extract/dictionary.h"
#include "tools/extract/document.h"

namespace actorgraph::extract {

struct ExtractOptions {
  double min_confidence = 0.0;  // observations below are dropped
  std::ostream* trace = nullptr;  // if set, every candidate with its rule (not thread-safe)
  // CAMEO-style codes for organisations, whose *_country is otherwise empty: "IGO" and "NGO"
  // for IGOs and NGOs (and the people who speak for them). Off by default (DESIGN.md).
  bool cameo_org_codes = false;
};

// Counters for one or more documents; Merge() adds another's.
struct ExtractStats {
  int64_t documents = 0;
  int64_t sentences = 0;
  int64_t tokens = 0;
  int64_t bytes = 0;
  std::vector<int64_t> actor_hits;    // by actor index: mentions that resolved to it
  std::vector<int64_t> pattern_hits;  // by pattern index: observations it produced
  std::vector<int64_t> role_hits;     // by role phrase index
  void Merge(const ExtractStats& o);
};

class Extractor {
 public:
  // `dict` must outlive the Extractor.
  explicit Extractor(const Dictionary& dict, ExtractOptions options = {});

  // The document's observations, one per (source, target, kind) with the best evidence,
  // in order of first evidence. `stats` (optional) is added to.
  std::vector<Observation> Extract(const Document& doc, ExtractStats* stats = nullptr) const;

  const Dictionary& dictionary() const { return dict_; }

 private:
  std::string CountryCode(int actor, Day date) const;

  const Dictionary& dict_;
  ExtractOptions options_;
};

}  // namespace actorgraph::extract

#endif  // ACTORGRAPH_TOOLS_EXTRACT_EXTRACTOR_H_
