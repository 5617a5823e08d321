// Scoring extracted relations against gold relations exactly as
// ../shared/tools/eval_relations.py does (corpus/ANNOTATION.md): per document, unique
// (source group, target group, label) tuples; undirected gold matches either direction;
// optional gold is neither a miss nor a false positive; micro-averaged P/R/F1 at sign level
// (sign 0 and LEADS/MEMBER_OF left out) and at kind level. Thread-compatible.
#ifndef ACTORGRAPH_TOOLS_EXTRACT_EVAL_H_
#define ACTORGRAPH_TOOLS_EXTRACT_EVAL_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace actorgraph::extract {

struct EvalScore {
  double precision = 0, recall = 0, f1 = 0;
  int tp = 0, fp = 0, fn = 0;
};

struct EvalResult {
  EvalScore sign;
  EvalScore kind;
  int docs = 0;  // documents with gold
};

// Name normalisation of the scorer: diacritics and case folded, dots dropped, '-' and '_'
// as spaces, spaces collapsed, a leading "the " removed.
std::string NormalizeName(std::string_view name);

// Scores `pred_files` against `gold_dir` (actors.jsonl + <doc>.jsonl files). With
// `by_country`, sides are compared by source_country/target_country instead of actor
// groups. With `verbose`, lists each sign-level tuple as ok/FP/MISS. Errors name the file
// and line of malformed JSON.
absl::StatusOr<EvalResult> EvaluateRelations(const std::string& gold_dir,
                                             const std::vector<std::string>& pred_files,
                                             bool by_country, std::ostream* verbose);

}  // namespace actorgraph::extract

#endif  // ACTORGRAPH_TOOLS_EXTRACT_EVAL_H_
