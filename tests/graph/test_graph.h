// Helpers for building small graphs whose answers are known by construction.
#ifndef ACTORGRAPH_TESTS_GRAPH_TEST_GRAPH_H_
#define ACTORGRAPH_TESTS_GRAPH_TEST_GRAPH_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/actor_graph.h"
#include "graph/types.h"

namespace actorgraph::testing {

// An observation source -> target of `kind` with the kind's default sign and weight, dated
// `date` ("" = undated), read from document `doc`. `span` varies the id within a document.
inline Observation Obs(const std::string& source, const std::string& target, RelationKind kind,
                       const std::string& date = "2020-01-13", const std::string& doc = "doc",
                       int span = 0, double confidence = 1.0) {
  Observation o;
  o.source = source;
  o.target = target;
  o.source_name = source;
  o.target_name = target;
  o.kind = kind;
  o.sign = Info(kind).sign;
  o.weight = Info(kind).default_weight;
  o.confidence = confidence;
  o.cameo = std::string(Info(kind).cameo_root);
  if (!date.empty()) o.date = *ParseDay(date);
  o.evidence.doc = doc;
  o.evidence.begin = span;
  o.evidence.end = span + 10;
  o.evidence.sentence = source + " " + std::string(RelationKindName(kind)) + " " + target;
  o.id = ObservationId(doc, o.evidence.begin, o.evidence.end, source, target, kind);
  return o;
}

// Adds `o`, failing the test when it is rejected.
inline void Add(ActorGraph& g, Observation o) {
  auto added = g.AddObservation(std::move(o));
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_TRUE(*added);
}

inline Day D(const std::string& text) { return *ParseDay(text); }

// One relation of a test graph, as Obs() builds it.
struct Rel {
  std::string source;
  std::string target;
  RelationKind kind;
  std::string date = "2020-01-01";
  std::string doc = "d";
  double confidence = 1.0;
};

// A graph of `rels`; each gets its own span, so repeated pairs and kinds stay distinct.
inline ActorGraph Build(const std::vector<Rel>& rels) {
  ActorGraph g;
  int span = 0;
  for (const Rel& r : rels) {
    Add(g, Obs(r.source, r.target, r.kind, r.date, r.doc, span += 100, r.confidence));
  }
  return g;
}

// The Libyan example of DESIGN.md (January 2020, Moscow talks).
inline ActorGraph LibyaGraph() {
  using K = RelationKind;
  return Build({
      {"russia", "haftar", K::kSupport, "2020-01-13", "moscow"},
      {"turkey", "gna", K::kAid, "2020-01-05", "moscow"},
      {"turkey", "gna", K::kSupport, "2020-01-13", "moscow"},
      {"egypt", "turkey", K::kCriticize, "2020-01-03", "cairo"},
      {"egypt", "turkey", K::kThreaten, "2020-01-04", "cairo"},
      {"haftar", "gna", K::kFight, "2020-01-10", "tripoli"},
      {"haftar", "russia", K::kReject, "2020-01-14", "moscow"},
      {"haftar", "turkey", K::kReject, "2020-01-14", "moscow"},
      {"sarraj", "gna", K::kLeads, "2020-01-01", "tripoli"},
  });
}

}  // namespace actorgraph::testing

#endif  // ACTORGRAPH_TESTS_GRAPH_TEST_GRAPH_H_
