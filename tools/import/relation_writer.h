// A direct writer for relations JSONL lines. graph/relation_jsonl.h's RelationToJsonLine
// builds a JSON document per line and costs ~7 us a line, which alone would keep the importer
// under its 200k rows/s target; this writes the same bytes straight into a buffer. Thread-safe
// (no shared state).
#ifndef ACTORGRAPH_TOOLS_IMPORT_RELATION_WRITER_H_
#define ACTORGRAPH_TOOLS_IMPORT_RELATION_WRITER_H_

#include <string>

#include "graph/types.h"

namespace actorgraph::import {

// Appends `obs` to `out` as one JSON object without a newline: the object RelationToJsonLine
// writes, with the same keys in the same order, the same escapes and the same number forms
// (tests/import/relation_writer_test.cc holds it to that). Bytes that are not UTF-8 become
// U+FFFD, one per byte.
void AppendRelationJson(const Observation& obs, std::string& out);

}  // namespace actorgraph::import

#endif  // ACTORGRAPH_TOOLS_IMPORT_RELATION_WRITER_H_
