// Structural checks of the CLI's drawing formats, shared by the unit and end-to-end tests:
// DOT (balanced braces, every edge endpoint declared), CSV (RFC 4180, one column count) and
// GraphML (well-formed XML via Python's minidom, edges between declared nodes).
#ifndef ACTORGRAPH_TESTS_CLI_FORMAT_CHECKS_H_
#define ACTORGRAPH_TESTS_CLI_FORMAT_CHECKS_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/server_process.h"

namespace actorgraph::testing {

// The quoted strings ("..." with \-escapes) of one DOT statement, and whether an edge
// operator (-> or --) occurs outside them.
struct DotStatement {
  std::vector<std::string> ids;
  bool edge = false;
  bool attributes = false;  // a '[' outside quotes follows
};

inline ::testing::AssertionResult DotIsStructurallyValid(const std::string& dot,
                                                         size_t* nodes_out = nullptr,
                                                         size_t* edges_out = nullptr) {
  int depth = 0, brackets = 0;
  bool in_quote = false, opened = false;
  std::set<std::string> declared;
  std::vector<std::pair<std::string, std::string>> edges;
  DotStatement st;
  std::string current;
  auto end_statement = [&] {
    if (st.edge && st.ids.size() >= 2) {
      edges.emplace_back(st.ids[0], st.ids[1]);
    } else if (!st.edge && st.ids.size() >= 1 && st.attributes) {
      declared.insert(st.ids[0]);
    }
    st = DotStatement();
  };
  for (size_t i = 0; i < dot.size(); ++i) {
    const char c = dot[i];
    if (in_quote) {
      if (c == '\\' && i + 1 < dot.size()) {
        current += dot[++i];
      } else if (c == '"') {
        in_quote = false;
        if (brackets == 0) st.ids.push_back(current);
      } else {
        current += c;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_quote = true;
        current.clear();
        break;
      case '{':
        ++depth;
        opened = true;
        st = DotStatement();
        break;
      case '}':
        end_statement();
        if (--depth < 0) return ::testing::AssertionFailure() << "unbalanced } at " << i;
        break;
      case '[':
        ++brackets;
        st.attributes = true;
        break;
      case ']':
        if (--brackets < 0) return ::testing::AssertionFailure() << "unbalanced ] at " << i;
        break;
      case ';':
      case '\n':
        if (brackets == 0) end_statement();
        break;
      case '-':
        if (brackets == 0 && i + 1 < dot.size() && (dot[i + 1] == '>' || dot[i + 1] == '-')) {
          st.edge = true;
        }
        break;
      default:
        break;
    }
  }
  if (in_quote) return ::testing::AssertionFailure() << "unterminated quoted string";
  if (!opened || depth != 0) return ::testing::AssertionFailure() << "unbalanced braces";
  if (brackets != 0) return ::testing::AssertionFailure() << "unbalanced brackets";
  for (const auto& [a, b] : edges) {
    if (!declared.count(a) || !declared.count(b)) {
      return ::testing::AssertionFailure()
             << "edge " << a << " - " << b << " uses an undeclared node";
    }
  }
  if (nodes_out) *nodes_out = declared.size();
  if (edges_out) *edges_out = edges.size();
  return ::testing::AssertionSuccess();
}

// Parses RFC 4180 CSV (CRLF records, "" escapes) into records of fields.
inline ::testing::AssertionResult ParseCsv(const std::string& csv,
                                           std::vector<std::vector<std::string>>* records) {
  records->clear();
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      if (field_started) return ::testing::AssertionFailure() << "quote inside a field at " << i;
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\r') {
      if (i + 1 >= csv.size() || csv[i + 1] != '\n') {
        return ::testing::AssertionFailure() << "bare CR at " << i;
      }
      ++i;
      record.push_back(field);
      records->push_back(record);
      record.clear();
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      return ::testing::AssertionFailure() << "LF without CR at " << i;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) return ::testing::AssertionFailure() << "unterminated quoted field";
  if (field_started || !record.empty()) {
    return ::testing::AssertionFailure() << "last record lacks its CRLF";
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult CsvHasConsistentColumns(const std::string& csv,
                                                          const std::string& first_header) {
  std::vector<std::vector<std::string>> records;
  if (auto r = ParseCsv(csv, &records); !r) return r;
  if (records.empty()) return ::testing::AssertionFailure() << "no header record";
  if (records[0].empty() || records[0][0] != first_header) {
    return ::testing::AssertionFailure() << "header does not start with " << first_header;
  }
  for (size_t i = 1; i < records.size(); ++i) {
    if (records[i].size() != records[0].size()) {
      return ::testing::AssertionFailure() << "record " << i << " has " << records[i].size()
                                           << " fields, the header " << records[0].size();
    }
  }
  return ::testing::AssertionSuccess();
}

inline std::string Python() {
  if (access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return RunCommand("command -v python3").exit_code == 0 ? "python3" : "";
}

// Parses `xml` with Python's minidom and checks every edge joins declared nodes. Returns the
// checker's output ("nodes N edges M") in *summary.
inline ::testing::AssertionResult GraphMlIsWellFormed(const std::string& xml, const TempDir& dir,
                                                      std::string* summary = nullptr) {
  const std::string file = dir.path() + "/check.graphml";
  std::ofstream(file, std::ios::binary) << xml;
  const std::string script =
      "import sys, xml.dom.minidom as m\n"
      "d = m.parse(sys.argv[1])\n"
      "ids = {n.getAttribute('id') for n in d.getElementsByTagName('node')}\n"
      "keys = {k.getAttribute('id') for k in d.getElementsByTagName('key')}\n"
      "es = d.getElementsByTagName('edge')\n"
      "bad = [e.getAttribute('id') for e in es if e.getAttribute('source') not in ids or "
      "e.getAttribute('target') not in ids]\n"
      "undeclared = {x.getAttribute('key') for x in d.getElementsByTagName('data')} - keys\n"
      "assert not bad, 'edges with unknown endpoints: %s' % bad\n"
      "assert not undeclared, 'undeclared keys: %s' % undeclared\n"
      "print('nodes', len(ids), 'edges', len(es))\n";
  const std::string script_file = dir.path() + "/check_graphml.py";
  std::ofstream(script_file) << script;
  CommandResult r = RunCommand(Python() + " " + script_file + " " + file, /*merge_stderr=*/true);
  if (r.exit_code != 0) return ::testing::AssertionFailure() << r.output;
  if (summary) *summary = r.output;
  return ::testing::AssertionSuccess();
}

}  // namespace actorgraph::testing

#endif  // ACTORGRAPH_TESTS_CLI_FORMAT_CHECKS_H_
