#include "tools/cli/graph_formats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace actorgraph::cli {
namespace {

// Pastel fills for up to 16 blocs (ColorBrewer Set3 and Pastel1), readable under black text.
constexpr const char* kBlocFill[] = {
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
    "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f", "#fbb4ae", "#b3cde3", "#decbe4", "#fed9a6"};
constexpr int kPalette = sizeof(kBlocFill) / sizeof(kBlocFill[0]);
constexpr char kPositive[] = "#1a9850";
constexpr char kNegative[] = "#d73027";
constexpr char kNeutral[] = "#888888";

std::string DisplayName(const DrawNode& n) { return n.name.empty() ? n.id : n.name; }

const char* EdgeColour(const DrawEdge& e) {
  if (e.tension) return kNegative;
  return e.sign > 0 ? kPositive : e.sign < 0 ? kNegative : kNeutral;
}

// 1 for the faintest edge up to 4 for |weight| >= 20 (a handful of strong events).
double PenWidth(const DrawEdge& e) {
  double w = 1.0 + 3.0 * std::min(1.0, std::log1p(std::abs(e.weight)) / std::log1p(20.0));
  return std::round(w * 10) / 10;
}

// "REJECT/AID x3": the two most frequent kinds ("/..." when there are more) and the count.
std::string EdgeLabel(const DrawEdge& e) {
  std::string label;
  size_t start = 0;
  for (int shown = 0; start <= e.kind.size() && !e.kind.empty(); ++shown) {
    size_t end = std::min(e.kind.find(',', start), e.kind.size());
    if (shown == 2) {
      label += "/...";
      break;
    }
    label += (shown ? "/" : "") + e.kind.substr(start, end - start);
    start = end + 1;
  }
  if (label.empty()) label = e.sign > 0 ? "+" : e.sign < 0 ? "-" : "";
  if (e.count > 1) label += " x" + std::to_string(e.count);
  if (e.tension) label = "tension: " + label;
  return label;
}

std::string NodeDot(const DrawNode& n, const std::string& indent) {
  std::string tooltip = n.id + (n.kind.empty() ? "" : " (" + n.kind + ")");
  std::string out = indent + DotQuote(n.id) + " [label=" + DotQuote(DisplayName(n)) +
                    ", tooltip=" + DotQuote(tooltip);
  if (n.bloc >= 0) out += ", fillcolor=" + DotQuote(kBlocFill[n.bloc % kPalette]);
  if (n.depth == 0) out += ", penwidth=2.5";
  return out + "];\n";
}

std::string Bool(bool b) { return b ? "true" : "false"; }

std::map<std::string, std::set<std::string>> Neighbours(const DrawGraph& g) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& e : g.edges) {
    if (e.source == e.target) continue;
    out[e.source].insert(e.target);
    out[e.target].insert(e.source);
  }
  return out;
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += CsvField(fields[i]);
  }
  return out + "\r\n";
}

}  // namespace

std::string ShortNumber(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  std::string s = buf;
  return s == "-0" ? "0" : s;
}

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids control characters other than tab, newline and carriage return.
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string DotQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      // dropped: a raw CR inside a DOT string is legal but renders as garbage
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ToDot(const DrawGraph& g) {
  const std::string arrow = g.directed ? " -> " : " -- ";
  std::string out = std::string(g.directed ? "digraph " : "graph ") + DotQuote(g.name) + " {\n";
  out += "  graph [overlap=false, splines=true, fontname=\"Helvetica\"];\n";
  out +=
      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", "
      "fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  if (g.has_blocs) {
    int blocs = static_cast<int>(g.bloc_labels.size());
    for (const auto& n : g.nodes) blocs = std::max(blocs, n.bloc + 1);
    for (int b = 0; b < blocs; ++b) {
      out += "  subgraph " + DotQuote("cluster_bloc_" + std::to_string(b)) + " {\n";
      std::string label = b < static_cast<int>(g.bloc_labels.size())
                              ? g.bloc_labels[b]
                              : "Bloc " + std::to_string(b + 1);
      out += "    label=" + DotQuote(label) +
             "; style=\"rounded,filled\"; color=" + DotQuote(kBlocFill[b % kPalette]) +
             "; fillcolor=\"#fbfbfb\";\n";
      for (const auto& n : g.nodes) {
        if (n.bloc == b) out += NodeDot(n, "    ");
      }
      out += "  }\n";
    }
    for (const auto& n : g.nodes) {
      if (n.bloc < 0) out += NodeDot(n, "  ");
    }
  } else {
    for (const auto& n : g.nodes) out += NodeDot(n, "  ");
  }
  for (const auto& e : g.edges) {
    std::string tooltip = e.kind + " weight " + ShortNumber(e.weight) + ", " +
                          std::to_string(e.count) + " observation(s)";
    if (e.stance) tooltip += ", stance " + ShortNumber(*e.stance);
    if (!e.first_seen.empty()) {
      tooltip += ", " + e.first_seen + (e.last_seen == e.first_seen ? "" : " to " + e.last_seen);
    }
    out += "  " + DotQuote(e.source) + arrow + DotQuote(e.target) +
           " [color=" + DotQuote(EdgeColour(e)) + ", fontcolor=" + DotQuote(EdgeColour(e)) +
           ", penwidth=" + ShortNumber(e.tension ? std::max(2.5, PenWidth(e)) : PenWidth(e)) +
           ", label=" + DotQuote(EdgeLabel(e)) + ", tooltip=" + DotQuote(tooltip);
    if (e.tension) out += ", style=dashed";
    out += "];\n";
  }
  return out + "}\n";
}

std::string ToGraphMl(const DrawGraph& g) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
      "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
      "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  struct Key {
    const char* id;
    const char* domain;
    const char* name;
    const char* type;
  };
  // "label" is what Gephi shows on a node (same text as "name"); "weight" is what it uses as
  // edge weight.
  const Key keys[] = {
      {"n_name", "node", "name", "string"},
      {"n_label", "node", "label", "string"},
      {"n_kind", "node", "kind", "string"},
      {"n_country", "node", "country", "string"},
      {"n_bloc", "node", "bloc", "int"},
      {"n_attachment", "node", "attachment", "double"},
      {"n_depth", "node", "depth", "int"},
      {"e_kind", "edge", "kind", "string"},
      {"e_sign", "edge", "sign", "int"},
      {"e_weight", "edge", "weight", "double"},
      {"e_count", "edge", "count", "long"},
      {"e_first_seen", "edge", "first_seen", "string"},
      {"e_last_seen", "edge", "last_seen", "string"},
      {"e_tension", "edge", "tension", "boolean"},
      {"e_stance", "edge", "stance", "double"},
  };
  for (const Key& k : keys) {
    out += std::string("  <key id=\"") + k.id + "\" for=\"" + k.domain + "\" attr.name=\"" +
           k.name + "\" attr.type=\"" + k.type + "\"/>\n";
  }
  out += "  <graph id=\"" + XmlEscape(g.name) + "\" edgedefault=\"" +
         (g.directed ? "directed" : "undirected") + "\">\n";
  auto data = [](const char* key, const std::string& value) {
    return std::string("      <data key=\"") + key + "\">" + XmlEscape(value) + "</data>\n";
  };
  for (const auto& n : g.nodes) {
    out += "    <node id=\"" + XmlEscape(n.id) + "\">\n";
    out += data("n_name", DisplayName(n));
    out += data("n_label", DisplayName(n));
    if (!n.kind.empty()) out += data("n_kind", n.kind);
    if (!n.country.empty()) out += data("n_country", n.country);
    if (n.bloc >= 0) {
      out += data("n_bloc", std::to_string(n.bloc));
      out += data("n_attachment", ShortNumber(n.attachment));
    }
    if (n.depth >= 0) out += data("n_depth", std::to_string(n.depth));
    out += "    </node>\n";
  }
  int id = 0;
  for (const auto& e : g.edges) {
    out += "    <edge id=\"e" + std::to_string(id++) + "\" source=\"" + XmlEscape(e.source) +
           "\" target=\"" + XmlEscape(e.target) + "\">\n";
    if (!e.kind.empty()) out += data("e_kind", e.kind);
    out += data("e_sign", std::to_string(e.sign));
    out += data("e_weight", ShortNumber(e.weight));
    out += data("e_count", std::to_string(e.count));
    if (!e.first_seen.empty()) out += data("e_first_seen", e.first_seen);
    if (!e.last_seen.empty()) out += data("e_last_seen", e.last_seen);
    if (g.has_blocs) out += data("e_tension", Bool(e.tension));
    if (e.stance) out += data("e_stance", ShortNumber(*e.stance));
    out += "    </edge>\n";
  }
  return out + "  </graph>\n</graphml>\n";
}

std::string ToCsvEdges(const DrawGraph& g) {
  std::map<std::string, const DrawNode*> by_id;
  for (const auto& n : g.nodes) by_id[n.id] = &n;
  auto name = [&](const std::string& id) {
    auto it = by_id.find(id);
    return it == by_id.end() ? id : DisplayName(*it->second);
  };
  auto bloc = [&](const std::string& id) {
    auto it = by_id.find(id);
    return it == by_id.end() || it->second->bloc < 0 ? std::string()
                                                     : std::to_string(it->second->bloc);
  };
  std::vector<std::string> header = {"source", "target", "source_name", "target_name"};
  if (g.has_blocs) header.insert(header.end(), {"source_bloc", "target_bloc"});
  header.insert(header.end(), {"kind", "sign", "weight", "count", "first_seen", "last_seen"});
  if (g.has_blocs) header.push_back("tension");
  std::string out = CsvRecord(header);
  for (const auto& e : g.edges) {
    std::vector<std::string> row = {e.source, e.target, name(e.source), name(e.target)};
    if (g.has_blocs) row.insert(row.end(), {bloc(e.source), bloc(e.target)});
    row.insert(row.end(), {e.kind, std::to_string(e.sign), ShortNumber(e.weight),
                           std::to_string(e.count), e.first_seen, e.last_seen});
    if (g.has_blocs) row.push_back(Bool(e.tension));
    out += CsvRecord(row);
  }
  return out;
}

std::string ToCsvNodes(const DrawGraph& g) {
  const auto neighbours = Neighbours(g);
  const bool has_depth =
      std::any_of(g.nodes.begin(), g.nodes.end(), [](const DrawNode& n) { return n.depth >= 0; });
  std::vector<std::string> header = {"id", "name", "kind", "country"};
  if (g.has_blocs) header.insert(header.end(), {"bloc", "attachment"});
  if (has_depth) header.push_back("depth");
  header.push_back("degree");
  std::string out = CsvRecord(header);
  for (const auto& n : g.nodes) {
    std::vector<std::string> row = {n.id, DisplayName(n), n.kind, n.country};
    if (g.has_blocs) {
      row.push_back(n.bloc >= 0 ? std::to_string(n.bloc) : "");
      row.push_back(n.bloc >= 0 ? ShortNumber(n.attachment) : "");
    }
    if (has_depth) row.push_back(n.depth >= 0 ? std::to_string(n.depth) : "");
    auto it = neighbours.find(n.id);
    row.push_back(std::to_string(it == neighbours.end() ? 0 : it->second.size()));
    out += CsvRecord(row);
  }
  return out;
}

}  // namespace actorgraph::cli
