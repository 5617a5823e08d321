// Helpers shared by the extractor tests: the bundled dictionary, one-document extraction.
#ifndef ACTORGRAPH_TESTS_EXTRACT_TEST_UTIL_H_
#define ACTORGRAPH_TESTS_EXTRACT_TEST_UTIL_H_

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "graph/types.h"
#include "tools/extract/dictionary.h"
#include "tools/extract/document.h"
#include "tools/extract/extractor.h"

namespace actorgraph::extract::testing {

// The bundled dictionary (data/), loaded once.
inline const Dictionary& BundledDictionary() {
  static const Dictionary* dict = [] {
    auto d = Dictionary::Load(std::string(ACTORGRAPH_SOURCE_DIR) + "/data");
    if (!d.ok()) {
      ADD_FAILURE() << d.status().message();
      return new Dictionary();
    }
    return new Dictionary(std::move(*d));
  }();
  return *dict;
}

// Extracts `text` as one document dated `date` with the bundled dictionary.
inline std::vector<Observation> ExtractText(const std::string& text,
                                            const std::string& date = "2020-01-14") {
  Document doc;
  doc.id = "test";
  doc.text = text;
  doc.date = *ParseDay(date);
  Extractor ex(BundledDictionary());
  return ex.Extract(doc);
}

// True when `obs` holds source -kind-> target.
inline bool Has(const std::vector<Observation>& obs, const std::string& source,
                const std::string& target, RelationKind kind) {
  for (const Observation& o : obs) {
    if (o.source == source && o.target == target && o.kind == kind) return true;
  }
  return false;
}

// True when `obs` holds any relation from source to target.
inline bool HasAny(const std::vector<Observation>& obs, const std::string& source,
                   const std::string& target) {
  for (const Observation& o : obs) {
    if (o.source == source && o.target == target) return true;
  }
  return false;
}

// Readable dump for failure messages.
inline std::string Dump(const std::vector<Observation>& obs) {
  std::string s;
  for (const Observation& o : obs) {
    s += o.source.str() + " -" + std::string(RelationKindName(o.kind)) + "-> " + o.target.str() + "\n";
  }
  return s.empty() ? "(no relations)\n" : s;
}

}  // namespace actorgraph::extract::testing

#endif  // ACTORGRAPH_TESTS_EXTRACT_TEST_UTIL_H_
