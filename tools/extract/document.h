// Reading articles: plain-text files with a header block (id:, title:, date:, source:, url:,
// then a line "---", then the text) and JSONL files of {id, date, text[, url, title]}.
// Every problem is reported per file or per document, and reading carries on.
// Thread-safe (no shared state).
#ifndef ACTORGRAPH_TOOLS_EXTRACT_DOCUMENT_H_
#define ACTORGRAPH_TOOLS_EXTRACT_DOCUMENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "graph/types.h"

namespace actorgraph::extract {

struct Document {
  std::string id;
  std::string title;
  std::string url;
  std::string text;  // the body; spans in the output are code point offsets into it
  Day date = kNoDate;
  std::string origin;  // "path" or "path:line", for messages
};

// One problem met while reading. `skipped` is true when the file or document was not
// extracted at all; false for a warning (for instance a document without a date, which is
// extracted with no date).
struct InputProblem {
  std::string where;  // "path" or "path:line"
  std::string message;
  bool skipped = true;
};

struct ReadOptions {
  Day default_date = kNoDate;  // used (silently) for documents without a date, if set
  size_t max_file_bytes = size_t{1} << 30;
};

// Expands files and folders (recursively, sorted, hidden entries skipped) into the list of
// article files: a folder contributes its *.txt and *.jsonl files; a file named explicitly
// is always taken. Missing paths become problems.
void ExpandInputs(const std::vector<std::string>& paths, std::vector<std::string>& files,
                  std::vector<InputProblem>& problems);

// Reads and parses one file (see ParseContent). Unreadable files become a problem.
void ReadDocuments(const std::string& path, const ReadOptions& options,
                   std::vector<Document>& docs, std::vector<InputProblem>& problems);

// Parses the bytes of one file. `path` decides the format (".jsonl" or header text) and
// names the problems. Rejects empty, binary and non-UTF-8 content with a message.
void ParseContent(std::string_view path, std::string_view content, const ReadOptions& options,
                  std::vector<Document>& docs, std::vector<InputProblem>& problems);

}  // namespace actorgraph::extract

#endif  // ACTORGRAPH_TOOLS_EXTRACT_DOCUMENT_H_
