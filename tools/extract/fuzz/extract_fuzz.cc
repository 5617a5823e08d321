// libFuzzer target for the document reader and the sentence pipeline: any bytes are read as
// a header text file or (first byte '{') a JSONL file, and every document read is extracted.
// Raw bytes, valid UTF-8 or not, also go through sentence splitting and tokenisation.
//
//   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DACTORGRAPH_EXTRACT_FUZZ=ON \
//       -DACTORGRAPH_BUILD_SERVER=OFF
//   cmake --build build-fuzz --target extract_fuzz && build-fuzz/bin/extract_fuzz -max_total_time=60
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tools/extract/dictionary.h"
#include "tools/extract/document.h"
#include "tools/extract/extractor.h"
#include "tools/extract/text.h"

namespace {

using namespace actorgraph::extract;

const Extractor& TheExtractor() {
  static const Extractor* ex = [] {
    auto d = Dictionary::Load(ACTORGRAPH_SOURCE_DATA_DIR);
    if (!d.ok()) std::abort();
    return new Extractor(*new Dictionary(std::move(*d)));
  }();
  return *ex;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Extractor& ex = TheExtractor();

  // Raw text primitives must accept anything.
  Tokens toks;
  for (const SentenceSpan& s : SplitSentences(bytes, 512)) {
    if (s.begin > s.end || s.end > bytes.size()) std::abort();
    toks.Clear();
    Tokenize(bytes, s.begin, s.end, toks);
    ex.dictionary().AssignVocab(toks);
  }
  std::string folded = Fold(bytes);

  // The reader, then the whole pipeline on what it accepts.
  std::vector<Document> docs;
  std::vector<InputProblem> problems;
  bool jsonl = !bytes.empty() && bytes[0] == '{';
  ParseContent(jsonl ? "fuzz.jsonl" : "fuzz.txt", bytes, ReadOptions{}, docs, problems);
  for (const Document& d : docs) {
    for (const auto& o : ex.Extract(d)) {
      if (o.evidence.begin < 0 || o.evidence.end < o.evidence.begin) std::abort();
      if (o.source.empty() || o.target.empty() || o.source == o.target) std::abort();
    }
  }
  return 0;
}
