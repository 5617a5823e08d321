#include "tools/cli/commands.h"

#include <algorithm>
#include <cctype>

namespace actorgraph::cli {
namespace {

constexpr char kFilterHelp[] =
    R"(Filter flags (which observations count):
  --kinds K,...    only these relation kinds: SUPPORT AID COOPERATE MEET MEDIATE CRITICIZE
                   REJECT THREATEN SANCTION FIGHT LEADS MEMBER_OF (case-insensitive)
  --sign S         positive, negative or any (default any)
  --since DATE     earliest day, YYYY-MM-DD, inclusive (default unbounded)
  --until DATE     latest day, YYYY-MM-DD, inclusive (default unbounded)
)";

constexpr char kFormatHelp[] =
    R"(  --format F       table (default), dot (Graphviz), graphml (Gephi, yEd), csv (one edge per
                   record) or csv-nodes (one actor per record). CSV follows RFC 4180: a
                   header record, CRLF line ends, fields quoted when they hold , " or a newline.
                   Cannot be combined with --json.
)";

constexpr char kExitCodes[] =
    R"(Exit status:
  0  success
  1  the server or the connection reported an error; "actorgraph: CODE: message" on stderr
     (e.g. NOT_FOUND for an unknown actor, INVALID_ARGUMENT, UNAVAILABLE, UNAUTHENTICATED)
  2  usage error: unknown command or flag, missing or malformed argument
  3  load/load-actors finished but skipped malformed lines (each reported as FILE:LINE)
)";

constexpr char kGlobalHelp[] =
    R"(Global flags (before or after the command):
  --server ADDR    server address (default $ACTORGRAPH_SERVER, else localhost:50051)
  --token TOKEN    bearer token (default $ACTORGRAPH_TOKEN)
  --tls            use TLS with the system roots; --tls-ca PEM trusts this CA instead
  --tls-cert PEM --tls-key PEM
                   client certificate and key for mutual TLS
  --json           print the response message in protobuf's canonical JSON mapping
  --timeout S      deadline per call in seconds (default 30)
  --help, -h       this text; `actorgraph help COMMAND` or `actorgraph COMMAND --help` for one
)";

std::vector<CommandSpec> MakeCommands() {
  std::vector<CommandSpec> c;
  c.push_back({"actor",
               "actor NAME",
               "one actor, by id or any alias",
               {},
               {},
               false,
               "Prints the actor's id, kind, country, aliases, dated roles and how many relation\n"
               "observations touch it. NAME is an id (\"turkey\") or any alias (\"Ankara\").\n",
               "actorgraph actor turkey\nactorgraph --json actor Erdogan\n"});
  c.push_back({"actors",
               "actors [--query TEXT] [--kind KIND] [--limit N] [--page-token T]",
               "list actors, paged, in id order",
               {"query", "kind", "limit", "page-token"},
               {},
               false,
               "  --query TEXT     only actors whose id, name or alias contains TEXT\n"
               "  --kind KIND      STATE, GOVERNMENT, PERSON, ARMED_GROUP, PARTY, IGO, NGO, OTHER\n"
               "  --limit N        page size (server default 100, at most 1000)\n"
               "  --page-token T   continue from the token a previous page printed\n",
               "actorgraph actors --kind ARMED_GROUP\nactorgraph actors --query libya\n"});
  c.push_back({"resolve",
               "resolve NAME",
               "the actors a name may refer to, best first",
               {},
               {},
               false,
               "Prints each candidate's score (1.00 = exact id or alias), id and name.\n",
               "actorgraph resolve \"Government of National Accord\"\n"});
  c.push_back(
      {"relations",
       "relations ACTOR [--with OTHER] [--doc DOC] [--limit N] [--page-token T] "
       "[filters]",
       "relation observations of an actor, newest first",
       {"with", "doc", "limit", "page-token"},
       {},
       true,
       "Prints every observation with date, kind, sign, weight, confidence, CAMEO code and\n"
       "the sentence it was read from.\n"
       "  --with OTHER     only relations between ACTOR and OTHER (either direction)\n"
       "  --doc DOC        only relations read from document DOC\n"
       "  --limit N        page size (default 100, at most 1000)\n",
       "actorgraph relations haftar\n"
       "actorgraph relations haftar --kinds REJECT,FIGHT --since 2020-01-01\n"
       "actorgraph relations russia --with haftar\n"});
  c.push_back(
      {"path",
       "path FROM TO [--k N] [--max-hops N] [--cost hops|confidence] "
       "[--path-sign positive|negative|any] [--directed] [--evidence N] [filters]",
       "the k shortest paths between two actors, every edge with its evidence",
       {"max-hops", "k", "evidence", "cost", "path-sign", "half-life", "as-of"},
       {"directed"},
       true,
       "  --k N            number of paths, shortest first (default 1, at most 20)\n"
       "  --max-hops N     longest path in edges (default 4, at most 8)\n"
       "  --cost C         hops (default) or confidence: prefer edges backed by many\n"
       "                   confident, recent observations\n"
       "  --half-life D    recency half-life in days for --cost confidence (default 365)\n"
       "  --as-of DATE     day recency is measured from (default the newest observation)\n"
       "  --path-sign S    positive: the product of edge signs is +1 (a friendly chain, or\n"
       "                   the enemy of my enemy); negative: -1; any (default)\n"
       "  --sign S         (filter) every edge positive or every edge negative\n"
       "  --directed       follow relations only in their direction\n"
       "  --evidence N     observations shown per edge (default 3, at most 50)\n",
       "actorgraph path russia gna\n"
       "actorgraph path russia gna --k 3 --cost confidence\n"
       "actorgraph path turkey haftar --path-sign negative\n"
       "actorgraph path egypt lna --sign positive --directed\n"});
  c.push_back(
      {"stance",
       "stance A B [--directed] [--half-life DAYS] [--as-of DATE] "
       "[--evidence N] [filters]",
       "the signed stance between two actors, by kind, with evidence",
       {"half-life", "as-of", "evidence"},
       {"directed"},
       true,
       "The stance is the sum of signed weights (confidence-weighted, optionally decayed):\n"
       "> 0 friendly, < 0 hostile. Prints the score, its positive and negative parts, the\n"
       "totals per relation kind and the strongest observations.\n"
       "  --directed       only A -> B observations (default both directions)\n"
       "  --half-life D    an observation's weight halves every D days before --as-of\n"
       "  --as-of DATE     reference day for the decay (default the newest observation)\n"
       "  --evidence N     observations shown (default 5, at most 50)\n",
       "actorgraph stance russia haftar\n"
       "actorgraph stance turkey gna --half-life 180 --as-of 2020-12-31\n"
       "actorgraph stance haftar turkey --directed --kinds REJECT\n"});
  c.push_back(
      {"timeline",
       "timeline A B [--bucket month|week|quarter|year|day] [--directed] "
       "[filters]",
       "the stance between two actors per month (or week, quarter, ...)",
       {"bucket"},
       {"directed"},
       true,
       "Prints one row per bucket (empty ones included) with the observation count, the\n"
       "positive and negative parts, the score, the running total and a bar, then a\n"
       "sparkline of the scores (· marks an empty bucket).\n"
       "  --bucket B       month (default), week (ISO, Monday first), quarter, year or day\n"
       "  --directed       only A -> B observations\n",
       "actorgraph timeline turkey haftar\n"
       "actorgraph timeline turkey gna --bucket quarter --since 2019-01-01\n"});
  c.push_back({"allies",
               "allies ACTOR [--inferred] [--max-hops N] [--limit N] [--evidence N] "
               "[--half-life DAYS] [filters]",
               "allies and adversaries of an actor, each with the path that explains it",
               {"max-hops", "limit", "evidence", "half-life"},
               {"inferred"},
               true,
               "Direct allies and adversaries come from the stance on a direct relation; with\n"
               "--inferred, also a friend's friend (+), a friend's enemy (-) and an enemy's enemy\n"
               "(+) by structural balance. \"why\" shows the explaining path, each edge as\n"
               "-(KIND sign)-> in its own direction.\n"
               "  --inferred       add inferred allies and adversaries\n"
               "  --max-hops N     longest explaining path (default 2, at most 4)\n"
               "  --limit N        at most N allies and N adversaries (default 20, at most 200)\n"
               "  --evidence N     also print N evidence sentences per explaining edge\n"
               "  --half-life D    recency decay of the stance, in days (default none)\n",
               "actorgraph allies turkey\n"
               "actorgraph allies haftar --inferred --max-hops 3\n"
               "actorgraph allies gna --evidence 1\n"});
  c.push_back(
      {"alliances",
       "alliances [--actors A,B,...] [--around A,...] [--radius N] [--blocs N] "
       "[--seed N] [--restarts N] [--half-life DAYS] [--format F] [filters]",
       "blocs by structural balance, with frustration and tension edges",
       {"actors", "around", "radius", "blocs", "seed", "restarts", "half-life", "min-stance",
        "tensions", "evidence", "format"},
       {},
       true,
       "Partitions the actors into blocs so that friendly stance falls inside blocs and\n"
       "hostile stance between them. Each bloc is named after its firmest members and lists\n"
       "every member with its attachment (1 = wholly committed, 0 = no tie to its bloc,\n"
       "< 0 = pulled towards another). Then the tensions: hostile pairs inside one bloc (a\n"
       "rift in a camp) and friendly pairs across blocs, each with its strongest evidence\n"
       "sentence. The frustration index is the share of all |stance| that goes against the\n"
       "partition (0 = perfectly balanced).\n"
       "  --actors A,B,... only these actors (ids or aliases)\n"
       "  --around A,...   only the --radius-hop neighbourhood of these actors\n"
       "  --radius N       hops for --around (default 2, at most 4)\n"
       "  --blocs N        number of blocs (default: chosen automatically; at most 16)\n"
       "  --seed N         seed of the local search (same seed, same answer)\n"
       "  --restarts N     local-search restarts (default 10, at most 100)\n"
       "  --half-life D    recency decay of the stance, in days (default none)\n"
       "  --min-stance X   ignore pairs whose |stance| is below X\n"
       "  --tensions N     tension edges listed (default 50, at most 1000)\n"
       "  --evidence N     evidence per tension edge (default 3; the table shows the first)\n" +
           std::string(kFormatHelp) +
           "  With --format, the drawing holds every bloc member and one edge per actor\n"
           "  pair with the pair's summed weight (undecayed), from the same filter;\n"
           "  tension edges are marked (dashed red in DOT) and carry the stance.\n",
       "actorgraph alliances\n"
       "actorgraph alliances --around haftar --radius 2\n"
       "actorgraph alliances --since 2019-01-01 --blocs 2\n"
       "actorgraph alliances --format dot | dot -Tsvg > blocs.svg\n"
       "actorgraph alliances --format graphml > blocs.graphml\n"});
  c.push_back({"neighbors",
               "neighbors ACTOR [--radius N] [--max-nodes N] [--evidence N] [--format F] "
               "[filters]",
               "the ego network of an actor, ready to draw",
               {"radius", "max-nodes", "evidence", "format"},
               {},
               true,
               "Prints the actors within --radius hops (depth, degree within the subgraph, kind,\n"
               "name) and the aggregated directed edges among them (observations, net weight,\n"
               "relation kinds of the evidence, first and last day).\n"
               "  --radius N       hops from ACTOR (default 1, at most 4)\n"
               "  --max-nodes N    nearest and best-connected first (default 100, at most 2000)\n"
               "  --evidence N     also print N evidence sentences per edge (table only)\n" +
                   std::string(kFormatHelp) +
                   "  Edge kinds come from up to 20 newest observations per edge.\n",
               "actorgraph neighbors haftar\n"
               "actorgraph neighbors gna --radius 2 --format dot | dot -Tpng > gna.png\n"
               "actorgraph neighbors turkey --format csv > turkey-edges.csv\n"});
  c.push_back({"rank",
               "rank [--by pagerank|betweenness|degree] [--limit N] [--samples N] "
               "[--seed N] [--damping X] [filters]",
               "actors ranked by centrality",
               {"by", "limit", "samples", "seed", "damping"},
               {},
               true,
               "  --by M           degree (default; distinct neighbours), pagerank (weighted by\n"
               "                   |weight|) or betweenness (brokers between camps)\n"
               "  --limit N        actors listed (default 20, at most 1000)\n"
               "  --samples N      betweenness source samples (default exact up to 5000 actors)\n"
               "  --seed N         seed for sampled betweenness\n"
               "  --damping X      PageRank damping factor in (0, 1) (default 0.85)\n",
               "actorgraph rank --by pagerank\n"
               "actorgraph rank --by betweenness --limit 5\n"
               "actorgraph rank --since 2020-01-01 --kinds FIGHT,THREATEN\n"});
  c.push_back(
      {"balance",
       "balance [--limit N] [filters]",
       "balanced and unbalanced signed triangles, overall and per actor",
       {"limit"},
       {},
       true,
       "A triangle is balanced when it has an even number of hostile sides (the friend of a\n"
       "friend is a friend, the enemy of an enemy is a friend). Actors with the most\n"
       "unbalanced triangles, the ones pulled between camps, are listed first.\n"
       "  --limit N        actors listed (default 20, at most 1000)\n",
       "actorgraph balance\nactorgraph balance --since 2020-01-01 --limit 5\n"});
  c.push_back(
      {"export",
       "export [--format dot|graphml|csv|csv-nodes] [filters]",
       "the whole graph's aggregated edges, for Graphviz, Gephi, yEd or a spreadsheet",
       {"format"},
       {},
       true,
       "Pages through every relation matching the filters (ListRelations, 1000 at a time)\n"
       "and aggregates them client-side into one directed edge per source and target: count,\n"
       "net weight, sign, kinds (most frequent first), first and last day. Nodes are the\n"
       "actors those edges touch, named and typed from ListActors. This is exact for the\n"
       "filter (no radius or node cap, as GetNeighborhood would impose), but it is not a\n"
       "snapshot: relations ingested while it pages may or may not appear.\n"
       "  --format F       csv (default), csv-nodes, dot or graphml (see `help neighbors`)\n"
       "  --json           the nodes and edges as an actorgraph.v1.GetNeighborhoodResponse\n",
       "actorgraph export > graph.csv\n"
       "actorgraph export --format graphml --since 2020-01-01 > libya-2020.graphml\n"
       "actorgraph export --format dot --sign negative | dot -Tsvg > hostility.svg\n"});
  c.push_back(
      {"load",
       "load FILE.jsonl...",
       "ingest relations JSONL",
       {},
       {},
       false,
       "Streams the files to the server in batches of 1000; each batch commits atomically.\n"
       "Malformed lines are reported as FILE:LINE: reason and skipped (exit status 3);\n"
       "re-loading the same file is a no-op.\n",
       "actorgraph load relations.jsonl\n"});
  c.push_back({"load-actors",
               "load-actors PATH...",
               "create or replace actors from an actor dictionary (.jsonl file or folder)",
               {},
               {},
               false,
               "Malformed lines are reported and skipped (exit status 3).\n",
               "actorgraph load-actors data/actors\n"});
  c.push_back({"retract",
               "retract DOC",
               "remove every relation read from document DOC",
               {},
               {},
               false,
               "Prints how many observations were removed (0 when DOC is unknown).\n",
               "actorgraph retract demo-moscow-talks\n"});
  c.push_back({"watch",
               "watch [--after VERSION] [--limit N]",
               "print committed changes, then follow new ones",
               {"after", "limit"},
               {},
               false,
               "  --after VERSION  start after this change version (resume after a disconnect)\n"
               "  --limit N        stop after N changes (default: follow until interrupted)\n"
               "With --json, one JSON object per line.\n",
               "actorgraph watch --limit 10\nactorgraph --json watch --after 1200\n"});
  c.push_back({"help",
               "help [COMMAND]",
               "general help, or one command's flags and examples",
               {},
               {},
               false,
               "",
               "actorgraph help alliances\n"});
  return c;
}

}  // namespace

std::string Usage(const CommandSpec& c) {
  std::vector<std::string> groups;
  std::string current;
  int depth = 0;
  for (char ch : c.synopsis) {
    if (ch == ' ' && depth == 0) {
      if (!current.empty()) groups.push_back(current);
      current.clear();
      continue;
    }
    depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
    current += ch;
  }
  if (!current.empty()) groups.push_back(current);
  const std::string indent(std::string("usage: actorgraph ").size() + c.name.size() + 1, ' ');
  std::string out, line = "usage: actorgraph";
  for (const auto& g : groups) {
    if (line.size() + 1 + g.size() > 100 && line.size() > indent.size()) {
      out += line + "\n";
      line = indent + g;
    } else {
      line += " " + g;
    }
  }
  return out + line + "\n";
}

namespace {

// Prose first, then the flag lines (those starting "  --") under a "Flags:" heading.
std::string WithFlagsHeading(std::string details) {
  if (details.rfind("  --", 0) == 0) return "Flags:\n" + details;
  if (size_t at = details.find("\n  --"); at != std::string::npos) {
    details.insert(at + 1, "\nFlags:\n");
  }
  return details;
}

}  // namespace

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec>* commands = new std::vector<CommandSpec>(MakeCommands());
  return *commands;
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const auto& c : Commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string GeneralHelp() {
  std::string out =
      "usage: actorgraph [global flags] COMMAND [ARGS] [flags]\n\n"
      "Queries an actorgraph server: actors and the signed, dated relations between them, read\n"
      "from news. Readable tables by default; --json prints protobuf's canonical JSON.\n\n"
      "Commands:\n";
  for (const auto& c : Commands()) {
    std::string name = c.name;
    name.resize(std::max<size_t>(name.size() + 1, 13), ' ');
    out += "  " + name + c.summary + "\n";
  }
  out += "\n";
  out += kGlobalHelp;
  out += "\n";
  out += kExitCodes;
  out +=
      "\nExamples:\n"
      "  actorgraph path russia gna\n"
      "  actorgraph alliances --around haftar\n"
      "  actorgraph allies turkey --inferred\n"
      "  actorgraph --json stance russia haftar | jq .score\n"
      "  ACTORGRAPH_SERVER=10.0.0.5:50051 actorgraph rank --by betweenness\n";
  return out;
}

std::string CommandHelp(const CommandSpec& c) {
  std::string summary = c.summary;
  if (!summary.empty()) summary[0] = static_cast<char>(std::toupper(summary[0]));
  std::string out = Usage(c) + "\n" + summary + ".\n";
  if (!c.details.empty()) out += "\n" + WithFlagsHeading(c.details);
  if (c.filter) out += "\n" + std::string(kFilterHelp);
  out += "\nExamples:\n";
  size_t start = 0;
  while (start < c.examples.size()) {
    size_t end = c.examples.find('\n', start);
    if (end == std::string::npos) end = c.examples.size();
    out += "  " + c.examples.substr(start, end - start) + "\n";
    start = end + 1;
  }
  out += "\nGlobal flags (--server, --token, --json, --timeout, TLS): see `actorgraph --help`.\n\n";
  out += kExitCodes;
  return out;
}

}  // namespace actorgraph::cli
