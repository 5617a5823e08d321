// Writes an actor graph for drawing tools: Graphviz DOT, GraphML (Gephi, yEd) and CSV
// (RFC 4180). The CLI fills a DrawGraph from a neighbourhood, an alliance answer or a whole
// export, then picks a writer. Pure functions; thread-compatible.
#ifndef ACTORGRAPH_TOOLS_CLI_GRAPH_FORMATS_H_
#define ACTORGRAPH_TOOLS_CLI_GRAPH_FORMATS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actorgraph::cli {

struct DrawNode {
  std::string id;    // actor id, unique in the graph
  std::string name;  // display name; empty = the id
  std::string kind;  // "STATE", "PERSON", ...; may be empty
  std::string country;
  int bloc = -1;  // 0-based bloc (alliances); -1 = none
  double attachment = 0;
  int depth = -1;  // hops from the ego (neighbourhoods); -1 = not applicable
};

struct DrawEdge {
  std::string source;  // node ids; both must be nodes of the graph
  std::string target;
  std::string kind;     // relation kinds seen, most frequent first: "AID,SUPPORT"
  int sign = 0;         // sign of weight: +1, -1 or 0
  double weight = 0;    // sum of signed weights
  long long count = 0;  // observations
  std::string first_seen, last_seen;
  bool tension = false;          // goes against the alliance partition
  std::optional<double> stance;  // the partition's stance for a tension edge
};

struct DrawGraph {
  std::string name = "actorgraph";
  bool directed = true;  // false: one edge per actor pair (alliances)
  bool has_blocs = false;
  std::vector<std::string> bloc_labels;  // label per bloc index, e.g. "Bloc 1: Russia, ..."
  std::vector<DrawNode> nodes;
  std::vector<DrawEdge> edges;
};

// Graphviz DOT: quoted, escaped ids; nodes labelled by name; edges green (+), red (-) or grey
// (0), width by |weight|; blocs as filled clusters; tension edges dashed, red and bold.
std::string ToDot(const DrawGraph& g);

// GraphML 1.0 with declared keys (node: name, label, kind, country, bloc, attachment, depth;
// edge: kind, sign, weight, count, first_seen, last_seen, tension, stance); XML-escaped;
// tension only in graphs with blocs.
std::string ToGraphMl(const DrawGraph& g);

// CSV, one edge per record: source,target,source_name,target_name,[source_bloc,target_bloc,]
// kind,sign,weight,count,first_seen,last_seen[,tension]; the bracketed columns only when the
// graph has blocs. CRLF line ends and RFC 4180 quoting.
std::string ToCsvEdges(const DrawGraph& g);

// CSV, one node per record: id,name,kind,country,[bloc,attachment,][depth,]degree.
std::string ToCsvNodes(const DrawGraph& g);

// Building blocks, exposed for tests.
std::string CsvField(std::string_view field);  // quoted only when it must be
std::string XmlEscape(std::string_view text);  // & < > " ' escaped; control chars dropped
std::string DotQuote(std::string_view text);   // "..." with \ and " escaped, newlines as \n
std::string ShortNumber(double v);             // up to 6 significant digits, no "-0"

}  // namespace actorgraph::cli

#endif  // ACTORGRAPH_TOOLS_CLI_GRAPH_FORMATS_H_
