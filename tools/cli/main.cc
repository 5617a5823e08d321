// actorgraph: the command-line client of actorgraph-server.
// Readable tables by default; --json prints the response message in protobuf's canonical JSON;
// --format dot|graphml|csv draws neighbourhoods, alliances and whole-graph exports.
// Exit status (tools/cli/commands.h): 0 success, 1 the server or the connection reported an
// error, 2 usage error, 3 `load` finished but skipped malformed lines.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "actorgraph/v1/analytics.grpc.pb.h"
#include "graph/types.h"
#include "server/convert.h"
#include "server/jsonl_file.h"
#include "tools/cli/commands.h"
#include "tools/cli/graph_formats.h"
#include "tools/cli/text_table.h"

namespace actorgraph {
namespace {

namespace v1 = ::actorgraph::v1;
using cli::CommandSpec;
using cli::DrawGraph;
using cli::Fixed;
using cli::TextTable;

struct Global {
  std::string server;
  std::string token;
  bool json = false;
  int timeout_s = 30;
  bool tls = false;
  std::string tls_ca, tls_cert, tls_key;
};

class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Consumes the global flag at argv[*i] (and its value), returning false when argv[*i] is not
// one. Accepts "--flag value" and "--flag=value".
bool ConsumeGlobalFlag(const std::vector<std::string>& argv, size_t* i, Global* g) {
  std::string name = argv[*i], value;
  bool inline_value = false;
  if (auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
    value = name.substr(eq + 1);
    name = name.substr(0, eq);
    inline_value = true;
  }
  auto take = [&](const char* what) {
    if (inline_value) return value;
    if (*i + 1 >= argv.size()) throw UsageError(name + " needs " + what);
    return argv[++*i];
  };
  if (name == "--json" && !inline_value) {
    g->json = true;
  } else if (name == "--tls" && !inline_value) {
    g->tls = true;
  } else if (name == "--server") {
    g->server = take("an address");
  } else if (name == "--token") {
    g->token = take("a value");
  } else if (name == "--tls-ca") {
    g->tls_ca = take("a file");
  } else if (name == "--tls-cert") {
    g->tls_cert = take("a file");
  } else if (name == "--tls-key") {
    g->tls_key = take("a file");
  } else if (name == "--timeout") {
    std::string s = take("seconds");
    char* end = nullptr;
    long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v <= 0 || v > 86400) {
      throw UsageError("--timeout must be a whole number of seconds between 1 and 86400");
    }
    g->timeout_s = static_cast<int>(v);
  } else {
    return false;
  }
  return true;
}

// A command's arguments split into positionals, --flag values and switches, checked against
// the command's spec: an unknown flag is a usage error.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  std::set<std::string> switches;

  Args(const std::vector<std::string>& argv, const CommandSpec& spec) {
    std::vector<std::string> valued = spec.valued;
    if (spec.filter) valued.insert(valued.end(), {"kinds", "sign", "since", "until"});
    auto known = [](const std::vector<std::string>& v, const std::string& n) {
      return std::find(v.begin(), v.end(), n) != v.end();
    };
    bool only_positional = false;
    for (size_t i = 0; i < argv.size(); ++i) {
      const std::string& a = argv[i];
      if (only_positional || a.size() < 2 || a[0] != '-') {
        positional.push_back(a);
        continue;
      }
      if (a == "--") {
        only_positional = true;
        continue;
      }
      if (a.rfind("--", 0) != 0) throw UsageError("unknown flag " + a);
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      if (known(spec.switches, name) && !has_value) {
        switches.insert(name);
      } else if (known(valued, name)) {
        if (!has_value) {
          if (i + 1 >= argv.size()) throw UsageError("--" + name + " needs a value");
          value = argv[++i];
        }
        flags[name] = value;
      } else {
        throw UsageError("unknown flag --" + name + " for " + spec.name);
      }
    }
  }
  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  bool On(const std::string& name) const { return switches.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& def = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? def : it->second;
  }
  // A whole number >= 0; `def` when absent.
  long long GetCount(const std::string& name, long long def = 0) const {
    auto it = flags.find(name);
    if (it == flags.end()) return def;
    const std::string& s = it->second;
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE || v < 0 || v > 2147483647) {
      throw UsageError("--" + name + ": \"" + s + "\" is not a whole number >= 0");
    }
    return v;
  }
  unsigned long long GetUint64(const std::string& name) const {
    auto it = flags.find(name);
    if (it == flags.end()) return 0;
    const std::string& s = it->second;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || s[0] == '-' || *end != '\0' || errno == ERANGE) {
      throw UsageError("--" + name + ": \"" + s + "\" is not a whole number >= 0");
    }
    return v;
  }
  double GetDouble(const std::string& name, double def = 0) const {
    auto it = flags.find(name);
    if (it == flags.end()) return def;
    const std::string& s = it->second;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(v)) {
      throw UsageError("--" + name + ": \"" + s + "\" is not a number");
    }
    return v;
  }
  // A YYYY-MM-DD day (checked for shape here; the server checks the calendar).
  std::string GetDate(const std::string& name) const {
    std::string s = Get(name);
    bool ok = s.empty() || s.size() == 10;
    for (size_t i = 0; ok && i < s.size(); ++i) {
      ok = (i == 4 || i == 7) ? s[i] == '-' : std::isdigit(static_cast<unsigned char>(s[i]));
    }
    if (!ok) throw UsageError("--" + name + ": \"" + s + "\" is not a YYYY-MM-DD date");
    return s;
  }
  // Comma-separated values, empty ones dropped.
  std::vector<std::string> GetList(const std::string& name) const {
    std::vector<std::string> out;
    for (auto part : absl::StrSplit(Get(name), ',', absl::SkipWhitespace())) {
      std::string s(part);
      s.erase(0, s.find_first_not_of(' '));
      s.erase(s.find_last_not_of(' ') + 1);
      out.push_back(s);
    }
    return out;
  }
  // One of `choices` (case-insensitive), or `def` when absent.
  std::string GetChoice(const std::string& name, const std::vector<std::string>& choices,
                        const std::string& def) const {
    std::string v = Get(name, def);
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
    std::string list;
    for (size_t i = 0; i < choices.size(); ++i) list += (i ? ", " : "") + choices[i];
    throw UsageError("--" + name + " must be one of " + list + " (got \"" + Get(name) + "\")");
  }
  void ExpectPositional(size_t n, const std::string& what) const {
    if (positional.size() != n) throw UsageError("expected " + what);
  }
};

const char* CodeName(grpc::StatusCode c) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  int i = static_cast<int>(c);
  return i >= 0 && i <= 16 ? kNames[i] : "UNKNOWN";
}

int Fail(const grpc::Status& s) {
  std::cerr << "actorgraph: " << CodeName(s.error_code()) << ": " << s.error_message() << "\n";
  return cli::kExitServerError;
}

void PrintJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  auto st = google::protobuf::util::MessageToJsonString(m, &out, opts);
  if (!st.ok()) {
    std::cerr << "actorgraph: cannot print JSON: " << st.ToString() << "\n";
    return;
  }
  std::cout << out;
  if (out.empty() || out.back() != '\n') std::cout << "\n";
}

std::string KindName(int k) { return v1::RelationKind_Name(static_cast<v1::RelationKind>(k)); }

std::string SignChar(int sign) { return sign > 0 ? "+" : sign < 0 ? "-" : "0"; }

std::string Sentence(const v1::Relation& r, size_t max = 300) {
  std::string s = r.evidence().sentence();
  if (s.size() > max) {
    size_t cut = max - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    s = s.substr(0, cut) + "...";
  }
  return s;
}

// "2020-01-14 haftar REJECT russia: "sentence" [doc]" on one line.
std::string RelationLine(const v1::Relation& r) {
  std::string out = (r.date().empty() ? "(undated)" : r.date()) + " " + r.source() + " " +
                    KindName(r.kind()) + " " + r.target();
  if (!r.evidence().sentence().empty()) out += ": \"" + Sentence(r) + "\"";
  if (!r.evidence().doc().empty()) out += " [" + r.evidence().doc() + "]";
  return out;
}

void FillFilter(const Args& args, v1::RelationFilter* f) {
  for (const std::string& part : args.GetList("kinds")) {
    v1::RelationKind k;
    std::string name = part;
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!v1::RelationKind_Parse(name, &k) || k == v1::RELATION_KIND_UNSPECIFIED) {
      throw UsageError("--kinds: unknown relation kind \"" + part + "\"");
    }
    f->add_kinds(k);
  }
  std::string sign = args.Get("sign", "any");
  if (sign == "positive" || sign == "+") {
    f->set_sign(v1::POSITIVE);
  } else if (sign == "negative" || sign == "-") {
    f->set_sign(v1::NEGATIVE);
  } else if (sign != "any") {
    throw UsageError("--sign must be positive, negative or any");
  }
  f->set_since(args.GetDate("since"));
  f->set_until(args.GetDate("until"));
}

// Kinds by observation count, most frequent first (ties in kind order): "REJECT,FIGHT".
std::string KindsByCount(const std::map<int, int>& count) {
  std::vector<std::pair<int, int>> sorted(count.begin(), count.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [kind, n] : sorted) out += (out.empty() ? "" : ",") + KindName(kind);
  return out;
}

// The relation kinds among `relations`, most frequent first.
template <typename Relations>
std::string KindsSummary(const Relations& relations) {
  std::map<int, int> count;
  for (const v1::Relation& r : relations) ++count[r.kind()];
  return KindsByCount(count);
}

// "turkey -(AID +)-> gna <-(FIGHT -)- haftar": each edge in its own direction.
std::string PathText(const v1::Path& p) {
  if (p.actors_size() == 0) return "";
  std::string out = p.actors(0);
  for (int i = 0; i < p.edges_size() && i + 1 < p.actors_size(); ++i) {
    const v1::Edge& e = p.edges(i);
    std::string kinds = KindsSummary(e.relations());
    std::string label = (kinds.empty() ? "" : kinds + " ") + SignChar(e.sign());
    const bool forward = e.source() == p.actors(i) && !e.reversed();
    out += forward ? " -(" + label + ")-> " : " <-(" + label + ")- ";
    out += p.actors(i + 1);
  }
  return out;
}

enum class Format { kTable, kDot, kGraphMl, kCsv, kCsvNodes };

Format GetFormat(const Args& args, bool json, const std::string& def) {
  if (json && args.Has("format")) throw UsageError("--format and --json exclude each other");
  std::string f = args.GetChoice("format", {"table", "dot", "graphml", "csv", "csv-nodes"}, def);
  if (f == "dot") return Format::kDot;
  if (f == "graphml") return Format::kGraphMl;
  if (f == "csv") return Format::kCsv;
  if (f == "csv-nodes") return Format::kCsvNodes;
  return Format::kTable;
}

void WriteGraph(const DrawGraph& g, Format f) {
  switch (f) {
    case Format::kDot:
      std::cout << cli::ToDot(g);
      break;
    case Format::kGraphMl:
      std::cout << cli::ToGraphMl(g);
      break;
    case Format::kCsv:
      std::cout << cli::ToCsvEdges(g);
      break;
    case Format::kCsvNodes:
      std::cout << cli::ToCsvNodes(g);
      break;
    case Format::kTable:
      break;
  }
  std::cout.flush();
}

// One aggregated edge built client-side from observations.
struct Aggregate {
  long long count = 0;
  double weight = 0;
  std::string first_seen, last_seen;
  std::map<int, int> kinds;

  void Add(const v1::Relation& r) {
    ++count;
    weight += r.weight();
    ++kinds[r.kind()];
    if (!r.date().empty()) {
      if (first_seen.empty() || r.date() < first_seen) first_seen = r.date();
      if (last_seen.empty() || r.date() > last_seen) last_seen = r.date();
    }
  }
  cli::DrawEdge ToDrawEdge(const std::string& source, const std::string& target) const {
    cli::DrawEdge e;
    e.source = source;
    e.target = target;
    e.kind = KindsByCount(kinds);
    e.weight = weight;
    e.sign = weight > 0 ? 1 : weight < 0 ? -1 : 0;
    e.count = count;
    e.first_seen = first_seen;
    e.last_seen = last_seen;
    return e;
  }
};

using EdgeKey = std::pair<std::string, std::string>;

cli::DrawNode NodeFor(const std::string& id, const std::map<std::string, v1::Actor>& actors) {
  cli::DrawNode n;
  n.id = id;
  if (auto it = actors.find(id); it != actors.end()) {
    n.name = it->second.name();
    n.kind = v1::ActorKind_Name(it->second.kind());
    n.country = it->second.country();
  }
  return n;
}

class Cli {
 public:
  explicit Cli(Global g) : g_(std::move(g)) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
    if (g_.tls || !g_.tls_ca.empty() || !g_.tls_cert.empty()) {
      grpc::SslCredentialsOptions opts;
      if (!g_.tls_ca.empty()) opts.pem_root_certs = ReadFileOrDie(g_.tls_ca);
      if (!g_.tls_cert.empty()) opts.pem_cert_chain = ReadFileOrDie(g_.tls_cert);
      if (!g_.tls_key.empty()) opts.pem_private_key = ReadFileOrDie(g_.tls_key);
      creds = grpc::SslCredentials(opts);
    }
    channel_ = grpc::CreateCustomChannel(g_.server, creds, args);
    stub_ = v1::ActorGraph::NewStub(channel_);
    analytics_ = v1::Analytics::NewStub(channel_);
  }

  // A context with the deadline and, when given, the bearer token (never printed).
  std::unique_ptr<grpc::ClientContext> Ctx(bool deadline = true) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (deadline) {
      ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(g_.timeout_s));
    }
    if (!g_.token.empty()) ctx->AddMetadata("authorization", "Bearer " + g_.token);
    return ctx;
  }

  // The exit status when the call failed (1, the error printed) or --json printed the answer
  // (0); nullopt when the command goes on to print text.
  std::optional<int> Answered(const grpc::Status& s, const google::protobuf::Message& answer) {
    if (!s.ok()) return Fail(s);
    if (!g_.json) return std::nullopt;
    PrintJson(answer);
    return cli::kExitOk;
  }

  int Run(const std::string& cmd, const Args& args) {
    if (cmd == "actor") return Actor(args);
    if (cmd == "actors") return Actors(args);
    if (cmd == "resolve") return Resolve(args);
    if (cmd == "relations") return Relations(args);
    if (cmd == "path") return Path(args);
    if (cmd == "stance") return Stance(args);
    if (cmd == "timeline") return Timeline(args);
    if (cmd == "allies") return Allies(args);
    if (cmd == "alliances") return Alliances(args);
    if (cmd == "neighbors") return Neighbors(args);
    if (cmd == "rank") return Rank(args);
    if (cmd == "balance") return Balance(args);
    if (cmd == "export") return Export(args);
    if (cmd == "load") return Load(args);
    if (cmd == "load-actors") return LoadActors(args);
    if (cmd == "retract") return Retract(args);
    if (cmd == "watch") return Watch(args);
    throw UsageError("unknown command \"" + cmd + "\"");
  }

 private:
  // ---- reading ---------------------------------------------------------------------------

  int Actor(const Args& args) {
    args.ExpectPositional(1, "one NAME");
    v1::GetActorRequest req;
    req.set_actor(args.positional[0]);
    v1::Actor a;
    if (auto rc = Answered(stub_->GetActor(Ctx().get(), req, &a), a)) return *rc;
    std::cout << a.name() << "  [" << a.id() << "]\n";
    std::cout << "  kind:      " << v1::ActorKind_Name(a.kind()) << "\n";
    if (!a.country().empty()) std::cout << "  country:   " << a.country() << "\n";
    if (a.aliases_size() > 0) {
      std::cout << "  aliases:   ";
      for (int i = 0; i < a.aliases_size(); ++i) std::cout << (i ? ", " : "") << a.aliases(i);
      std::cout << "\n";
    }
    for (const auto& r : a.roles()) {
      std::cout << "  role:      " << KindName(r.kind()) << " " << r.target();
      if (!r.title().empty()) std::cout << " (" << r.title() << ")";
      if (!r.from_date().empty() || !r.until_date().empty()) {
        std::cout << " " << (r.from_date().empty() ? "…" : r.from_date()) << " to "
                  << (r.until_date().empty() ? "now" : r.until_date());
      }
      std::cout << "\n";
    }
    std::cout << "  relations: " << a.observation_count() << "\n";
    return 0;
  }

  int Actors(const Args& args) {
    args.ExpectPositional(0, "no positional argument");
    v1::ListActorsRequest req;
    req.set_query(args.Get("query"));
    req.set_page_size(static_cast<int>(args.GetCount("limit")));
    req.set_page_token(args.Get("page-token"));
    if (std::string kind = args.Get("kind"); !kind.empty()) {
      v1::ActorKind k;
      for (auto& c : kind) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!v1::ActorKind_Parse(kind, &k)) throw UsageError("--kind: unknown actor kind " + kind);
      req.set_kind(k);
    }
    v1::ListActorsResponse resp;
    if (auto rc = Answered(stub_->ListActors(Ctx().get(), req, &resp), resp)) return *rc;
    TextTable t({"id", "kind", "country", "relations", "name"}, {false, false, false, true});
    for (const auto& a : resp.actors()) {
      t.AddRow({a.id(), v1::ActorKind_Name(a.kind()), a.country(),
                std::to_string(a.observation_count()), a.name()});
    }
    std::cout << t.Render("");
    std::cout << resp.actors_size() << " of " << resp.total_size() << " actors";
    if (!resp.next_page_token().empty()) {
      std::cout << " (next: --page-token " << resp.next_page_token() << ")";
    }
    std::cout << "\n";
    return 0;
  }

  int Resolve(const Args& args) {
    args.ExpectPositional(1, "one NAME");
    v1::ResolveActorRequest req;
    req.set_name(args.positional[0]);
    v1::ResolveActorResponse resp;
    if (auto rc = Answered(stub_->ResolveActor(Ctx().get(), req, &resp), resp)) return *rc;
    if (resp.candidates().empty()) {
      std::cout << "no actor matches \"" << req.name() << "\"\n";
      return 0;
    }
    TextTable t({"score", "id", "name", "matched"}, {true});
    for (const auto& c : resp.candidates()) {
      t.AddRow({Fixed(c.score()), c.actor().id(), c.actor().name(), "\"" + c.matched() + "\""});
    }
    std::cout << t.Render("");
    return 0;
  }

  void PrintRelation(const v1::Relation& r, const std::string& indent) {
    std::cout << indent << (r.date().empty() ? "(undated) " : r.date()) << " " << r.source() << " "
              << KindName(r.kind()) << " " << r.target() << " (" << SignChar(r.sign())
              << ", weight " << cli::ShortNumber(r.weight()) << ", confidence "
              << cli::ShortNumber(r.confidence()) << ", CAMEO " << r.cameo() << ")\n";
    if (!r.evidence().sentence().empty()) {
      std::cout << indent << "    \"" << Sentence(r) << "\"";
      if (!r.evidence().doc().empty()) std::cout << " [" << r.evidence().doc() << "]";
      std::cout << "\n";
    }
  }

  int Relations(const Args& args) {
    args.ExpectPositional(1, "one ACTOR");
    v1::ListRelationsRequest req;
    req.set_actor(args.positional[0]);
    req.set_other(args.Get("with"));
    req.set_doc(args.Get("doc"));
    req.set_page_size(static_cast<int>(args.GetCount("limit")));
    req.set_page_token(args.Get("page-token"));
    FillFilter(args, req.mutable_filter());
    v1::ListRelationsResponse resp;
    if (auto rc = Answered(stub_->ListRelations(Ctx().get(), req, &resp), resp)) return *rc;
    for (const auto& r : resp.relations()) PrintRelation(r, "");
    std::cout << resp.relations_size() << " of " << resp.total_size() << " relations";
    if (!resp.next_page_token().empty()) {
      std::cout << " (next: --page-token " << resp.next_page_token() << ")";
    }
    std::cout << "\n";
    return 0;
  }

  int Path(const Args& args) {
    args.ExpectPositional(2, "FROM and TO");
    v1::FindPathsRequest req;
    req.set_from(args.positional[0]);
    req.set_to(args.positional[1]);
    req.set_max_hops(static_cast<int>(args.GetCount("max-hops")));
    req.set_k(static_cast<int>(args.GetCount("k")));
    req.set_max_evidence(static_cast<int>(args.GetCount("evidence")));
    req.set_directed(args.On("directed"));
    const std::string cost = args.GetChoice("cost", {"hops", "confidence"}, "hops");
    req.set_cost(cost == "confidence" ? v1::CONFIDENCE_RECENCY : v1::HOPS);
    const std::string sign = args.GetChoice("path-sign", {"positive", "negative", "any"}, "any");
    req.set_path_sign(sign == "positive" ? 1 : sign == "negative" ? -1 : 0);
    req.set_half_life_days(args.GetDouble("half-life"));
    req.set_as_of(args.GetDate("as-of"));
    FillFilter(args, req.mutable_filter());
    v1::FindPathsResponse resp;
    if (auto rc = Answered(stub_->FindPaths(Ctx().get(), req, &resp), resp)) return *rc;
    if (resp.paths().empty()) {
      std::cout << "no path from " << req.from() << " to " << req.to() << " within "
                << (req.max_hops() ? req.max_hops() : 4) << " hops";
      if (req.path_sign() != 0) std::cout << " with overall sign " << SignChar(req.path_sign());
      std::cout << "\n";
      return 0;
    }
    int n = 0;
    for (const auto& p : resp.paths()) {
      std::cout << "path " << ++n << " (" << p.edges_size() << " hops, overall sign "
                << SignChar(p.sign());
      if (req.cost() != v1::HOPS) std::cout << ", cost " << Fixed(p.cost(), 3);
      std::cout << "): " << PathText(p) << "\n";
      for (const auto& e : p.edges()) {
        std::cout << "  " << e.source() << " -> " << e.target() << ": " << e.count()
                  << " observation(s), net weight " << cli::ShortNumber(e.weight()) << " ("
                  << SignChar(e.sign()) << ")\n";
        for (const auto& r : e.relations()) PrintRelation(r, "    ");
      }
    }
    if (resp.truncated()) std::cout << "(more paths exist; raise --k to see them)\n";
    return 0;
  }

  // ---- analytics -------------------------------------------------------------------------

  int Stance(const Args& args) {
    args.ExpectPositional(2, "two actors A and B");
    v1::GetStanceRequest req;
    req.set_a(args.positional[0]);
    req.set_b(args.positional[1]);
    req.set_directed(args.On("directed"));
    req.set_half_life_days(args.GetDouble("half-life"));
    req.set_as_of(args.GetDate("as-of"));
    req.set_max_evidence(static_cast<int>(args.GetCount("evidence")));
    FillFilter(args, req.mutable_filter());
    v1::Stance resp;
    if (auto rc = Answered(analytics_->GetStance(Ctx().get(), req, &resp), resp)) return *rc;
    const char* mood = resp.score() > 0 ? "friendly" : resp.score() < 0 ? "hostile" : "neutral";
    std::cout << resp.a() << (req.directed() ? " -> " : " <-> ") << resp.b() << ": "
              << Fixed(resp.score(), 2, true) << " (" << mood << ")\n";
    if (resp.count() == 0) {
      std::cout << "  no observation between them matches\n";
      return 0;
    }
    std::cout << "  " << resp.count() << " observation(s), " << resp.first_seen() << " to "
              << resp.last_seen() << "; friendly " << Fixed(resp.positive(), 2, true)
              << ", hostile " << Fixed(resp.negative()) << "\n";
    if (req.half_life_days() > 0) {
      std::cout << "  weights halve every " << cli::ShortNumber(req.half_life_days())
                << " days before " << (req.as_of().empty() ? "the newest observation" : req.as_of())
                << "\n";
    }
    std::cout << "\n";
    TextTable kinds({"kind", "count", "weight"}, {false, true, true});
    for (const auto& k : resp.by_kind()) {
      kinds.AddRow({KindName(k.kind()), std::to_string(k.count()), Fixed(k.weight(), 2, true)});
    }
    std::cout << kinds.Render();
    if (resp.evidence_size() > 0) {
      std::cout << "\nStrongest evidence:\n";
      for (const auto& r : resp.evidence()) std::cout << "  " << RelationLine(r) << "\n";
    }
    return 0;
  }

  int Timeline(const Args& args) {
    args.ExpectPositional(2, "two actors A and B");
    v1::GetTimelineRequest req;
    req.set_a(args.positional[0]);
    req.set_b(args.positional[1]);
    req.set_directed(args.On("directed"));
    const std::string bucket =
        args.GetChoice("bucket", {"month", "week", "quarter", "year", "day"}, "month");
    const std::map<std::string, v1::Bucket> buckets = {{"month", v1::MONTH},
                                                       {"week", v1::WEEK},
                                                       {"quarter", v1::QUARTER},
                                                       {"year", v1::YEAR},
                                                       {"day", v1::DAY}};
    req.set_bucket(buckets.at(bucket));
    FillFilter(args, req.mutable_filter());
    v1::GetTimelineResponse resp;
    if (auto rc = Answered(analytics_->GetTimeline(Ctx().get(), req, &resp), resp)) return *rc;
    std::cout << "Stance " << resp.a() << (req.directed() ? " -> " : " <-> ") << resp.b() << " per "
              << bucket << "\n";
    if (resp.points().empty()) {
      std::cout << "  no observation between them matches\n";
      return 0;
    }
    double max_abs = 0;
    for (const auto& p : resp.points()) max_abs = std::max(max_abs, std::abs(p.score()));
    TextTable t(
        {"start", "end", "n", "friendly", "hostile", "score", "cumulative", "hostile | friendly"},
        {false, false, true, true, true, true, true, false});
    std::vector<double> scores, cumulative;
    std::vector<bool> empty;
    for (const auto& p : resp.points()) {
      t.AddRow({p.start(), p.end(), std::to_string(p.count()), Fixed(p.positive(), 2, true),
                Fixed(p.negative()), Fixed(p.score(), 2, true), Fixed(p.cumulative(), 2, true),
                p.count() ? cli::SignedBar(p.score(), max_abs) : ""});
      scores.push_back(p.score());
      cumulative.push_back(p.cumulative());
      empty.push_back(p.count() == 0);
    }
    std::cout << t.Render();
    std::cout << "\n  score       " << cli::Sparkline(scores, empty) << "\n";
    std::cout << "  cumulative  " << cli::Sparkline(cumulative) << "  (" << resp.points(0).start()
              << " to " << resp.points(resp.points_size() - 1).end() << ", ending at "
              << Fixed(cumulative.back(), 2, true) << ")\n";
    return 0;
  }

  void PrintAffinities(const std::string& title,
                       const google::protobuf::RepeatedPtrField<v1::Affinity>& list,
                       long long evidence) {
    std::cout << title << "\n";
    if (list.empty()) {
      std::cout << "  (none)\n";
      return;
    }
    TextTable t({"score", "actor", "name", "basis", "why"}, {true});
    for (const auto& a : list) {
      t.AddRow({Fixed(a.score(), 2, true), a.actor(), a.name(), a.direct() ? "direct" : "inferred",
                PathText(a.explanation())});
    }
    std::cout << t.Render();
    if (evidence <= 0) return;
    for (const auto& a : list) {
      std::cout << "  " << a.actor() << ":\n";
      for (const auto& e : a.explanation().edges()) {
        for (int i = 0; i < e.relations_size() && i < evidence; ++i) {
          std::cout << "    " << RelationLine(e.relations(i)) << "\n";
        }
      }
    }
  }

  int Allies(const Args& args) {
    args.ExpectPositional(1, "one ACTOR");
    v1::GetAlliesAndAdversariesRequest req;
    req.set_actor(args.positional[0]);
    req.set_inferred(args.On("inferred"));
    req.set_max_hops(static_cast<int>(args.GetCount("max-hops")));
    req.set_limit(static_cast<int>(args.GetCount("limit")));
    const long long evidence = args.GetCount("evidence");
    req.set_max_evidence(static_cast<int>(evidence));
    req.set_half_life_days(args.GetDouble("half-life"));
    FillFilter(args, req.mutable_filter());
    v1::GetAlliesAndAdversariesResponse resp;
    if (auto rc = Answered(analytics_->GetAlliesAndAdversaries(Ctx().get(), req, &resp), resp))
      return *rc;
    PrintAffinities("Allies of " + resp.actor() + " (strongest first):", resp.allies(), evidence);
    std::cout << "\n";
    PrintAffinities("Adversaries of " + resp.actor() + " (strongest first):", resp.adversaries(),
                    evidence);
    if (!req.inferred()) std::cout << "\n(direct relations only; --inferred adds balance)\n";
    return 0;
  }

  static std::string BlocLabel(const v1::Bloc& b) {
    std::string label = "Bloc " + std::to_string(b.index() + 1) + ": ";
    const int shown = std::min(3, b.members_size());
    for (int i = 0; i < shown; ++i) {
      const auto& m = b.members(i);
      label += (i ? ", " : "") + (m.name().empty() ? m.actor() : m.name());
    }
    if (b.members_size() > shown) {
      label += " +" + std::to_string(b.members_size() - shown) + " more";
    }
    return label;
  }

  int Alliances(const Args& args) {
    args.ExpectPositional(0, "no positional argument (use --actors or --around)");
    const Format format = GetFormat(args, g_.json, "table");
    v1::FindAlliancesRequest req;
    for (const auto& a : args.GetList("actors")) req.add_actors(a);
    for (const auto& a : args.GetList("around")) req.add_around(a);
    req.set_radius(static_cast<int>(args.GetCount("radius")));
    req.set_num_blocs(static_cast<int>(args.GetCount("blocs")));
    req.set_seed(args.GetUint64("seed"));
    req.set_restarts(static_cast<int>(args.GetCount("restarts")));
    req.set_half_life_days(args.GetDouble("half-life"));
    req.set_min_abs_stance(args.GetDouble("min-stance"));
    req.set_max_tensions(static_cast<int>(args.GetCount("tensions")));
    req.set_max_evidence(static_cast<int>(args.GetCount("evidence")));
    FillFilter(args, req.mutable_filter());
    v1::FindAlliancesResponse resp;
    if (auto rc = Answered(analytics_->FindAlliances(Ctx().get(), req, &resp), resp)) return *rc;
    if (format != Format::kTable) return DrawAlliances(req, resp, format);

    int actors = 0;
    for (const auto& b : resp.blocs()) actors += b.members_size();
    std::cout << resp.blocs_size() << " bloc(s) over " << actors << " actors; frustration "
              << Fixed(resp.frustration()) << " (index " << Fixed(resp.frustration_index(), 3)
              << ", 0 = perfectly balanced); "
              << (resp.optimal() ? "proven optimal" : "best of a local search, not proven optimal")
              << " [" << resp.method() << "]\n";
    if (resp.blocs().empty()) {
      std::cout << "no actor has a signed relation that matches\n";
      return 0;
    }
    for (const auto& b : resp.blocs()) {
      std::cout << "\n"
                << BlocLabel(b) << "  (" << b.members_size()
                << (b.members_size() == 1 ? " actor" : " actors") << "; inside: friendly "
                << Fixed(b.internal_positive(), 2, true) << ", hostile "
                << Fixed(b.internal_negative()) << ")\n";
      TextTable t({"attachment", "actor", "name"}, {true});
      for (const auto& m : b.members()) {
        const std::string note = m.attachment() < -0.005  ? "  (pulled to another bloc)"
                                 : m.attachment() < 0.005 ? "  (no tie to this bloc)"
                                                          : "";
        t.AddRow({Fixed(m.attachment()), m.actor(), m.name() + note});
      }
      std::cout << t.Render();
    }
    std::cout << "\nTensions (" << resp.tensions_size()
              << "): hostile inside a bloc, or friendly across blocs; largest first\n";
    if (resp.tensions().empty()) {
      std::cout << "  (none: the partition is perfectly balanced)\n";
      return 0;
    }
    TextTable t({"where", "pair", "stance", "evidence (strongest)"}, {false, false, true});
    for (const auto& te : resp.tensions()) {
      std::string where = te.within_bloc()
                              ? "inside bloc " + std::to_string(te.source_bloc() + 1)
                              : "across blocs " + std::to_string(te.source_bloc() + 1) + "/" +
                                    std::to_string(te.target_bloc() + 1);
      t.AddRow({where, te.source() + " ~ " + te.target(), Fixed(te.stance(), 2, true),
                te.evidence().empty() ? "" : RelationLine(te.evidence(0))});
    }
    std::cout << t.Render();
    if (resp.truncated()) std::cout << "  (more tensions exist; raise --tensions)\n";
    return 0;
  }

  // The blocs as a drawing: every member, one edge per actor pair with the pair's summed
  // (undecayed) weight under the same filter, tension pairs marked with their stance.
  int DrawAlliances(const v1::FindAlliancesRequest& req, const v1::FindAlliancesResponse& resp,
                    Format format) {
    std::map<std::string, v1::Actor> actors;
    std::map<EdgeKey, Aggregate> edges;
    grpc::Status s = FetchActors(&actors);
    if (s.ok()) s = FetchEdges(req.filter(), /*directed=*/false, &edges);
    if (!s.ok()) return Fail(s);
    DrawGraph g;
    g.name = "alliances";
    g.directed = false;
    g.has_blocs = true;
    std::set<std::string> members;
    for (const auto& b : resp.blocs()) {
      g.bloc_labels.push_back(BlocLabel(b));
      for (const auto& m : b.members()) {
        cli::DrawNode n = NodeFor(m.actor(), actors);
        if (!m.name().empty()) n.name = m.name();
        n.bloc = b.index();
        n.attachment = m.attachment();
        g.nodes.push_back(n);
        members.insert(m.actor());
      }
    }
    std::map<EdgeKey, double> tension;
    for (const auto& t : resp.tensions()) {
      tension[EdgeKey(std::minmax(t.source(), t.target()))] = t.stance();
    }
    for (const auto& [key, agg] : edges) {
      if (!members.count(key.first) || !members.count(key.second)) continue;
      cli::DrawEdge e = agg.ToDrawEdge(key.first, key.second);
      if (auto it = tension.find(key); it != tension.end()) {
        e.tension = true;
        e.stance = it->second;
        tension.erase(it);
      }
      g.edges.push_back(e);
    }
    for (const auto& [key, stance] : tension) {  // a tension whose relations the filter hid
      if (!members.count(key.first) || !members.count(key.second)) continue;
      cli::DrawEdge e;
      e.source = key.first;
      e.target = key.second;
      e.weight = stance;
      e.sign = stance > 0 ? 1 : stance < 0 ? -1 : 0;
      e.tension = true;
      e.stance = stance;
      g.edges.push_back(e);
    }
    WriteGraph(g, format);
    return 0;
  }

  int Neighbors(const Args& args) {
    args.ExpectPositional(1, "one ACTOR");
    const Format format = GetFormat(args, g_.json, "table");
    v1::GetNeighborhoodRequest req;
    req.set_actor(args.positional[0]);
    req.set_radius(static_cast<int>(args.GetCount("radius")));
    req.set_max_nodes(static_cast<int>(args.GetCount("max-nodes")));
    const long long evidence = args.GetCount("evidence");
    // Edges are labelled with their kinds, so ask for enough observations to see them (20 is
    // the server's cap); only `evidence` of them are printed.
    req.set_max_evidence(static_cast<int>(std::max<long long>(evidence, 20)));
    FillFilter(args, req.mutable_filter());
    v1::GetNeighborhoodResponse resp;
    if (auto rc = Answered(analytics_->GetNeighborhood(Ctx().get(), req, &resp), resp)) return *rc;
    if (format != Format::kTable) {
      DrawGraph g;
      g.name = "neighborhood of " + (resp.nodes().empty() ? req.actor() : resp.nodes(0).actor());
      for (const auto& n : resp.nodes()) {
        cli::DrawNode d;
        d.id = n.actor();
        d.name = n.name();
        d.kind = v1::ActorKind_Name(n.kind());
        d.country = n.country();
        d.depth = n.depth();
        g.nodes.push_back(d);
      }
      for (const auto& e : resp.edges()) {
        cli::DrawEdge d;
        d.source = e.source();
        d.target = e.target();
        d.kind = KindsSummary(e.relations());
        d.sign = e.sign();
        d.weight = e.weight();
        d.count = e.count();
        d.first_seen = e.first_seen();
        d.last_seen = e.last_seen();
        g.edges.push_back(d);
      }
      WriteGraph(g, format);
      return 0;
    }
    TextTable nodes({"depth", "degree", "actor", "kind", "country", "name"}, {true, true});
    for (const auto& n : resp.nodes()) {
      nodes.AddRow({std::to_string(n.depth()), std::to_string(n.degree()), n.actor(),
                    v1::ActorKind_Name(n.kind()), n.country(), n.name()});
    }
    std::cout << resp.nodes_size() << " actor(s)"
              << (resp.truncated() ? " (cut by --max-nodes; more exist)" : "") << "\n"
              << nodes.Render();
    TextTable edges({"source", "", "target", "n", "weight", "kinds", "seen"},
                    {false, false, false, true, true});
    for (const auto& e : resp.edges()) {
      std::string seen = e.first_seen() == e.last_seen() ? e.first_seen()
                                                         : e.first_seen() + " to " + e.last_seen();
      edges.AddRow({e.source(), "->", e.target(), std::to_string(e.count()),
                    Fixed(e.weight(), 2, true), KindsSummary(e.relations()), seen});
    }
    std::cout << "\n" << resp.edges_size() << " relation edge(s)\n" << edges.Render();
    if (evidence > 0) {
      std::cout << "\nEvidence:\n";
      for (const auto& e : resp.edges()) {
        for (int i = 0; i < e.relations_size() && i < evidence; ++i) {
          std::cout << "  " << RelationLine(e.relations(i)) << "\n";
        }
      }
    }
    return 0;
  }

  int Rank(const Args& args) {
    args.ExpectPositional(0, "no positional argument");
    v1::RankActorsRequest req;
    const std::string by = args.GetChoice("by", {"degree", "pagerank", "betweenness"}, "degree");
    req.set_by(by == "pagerank"      ? v1::PAGERANK
               : by == "betweenness" ? v1::BETWEENNESS
                                     : v1::DEGREE);
    req.set_limit(static_cast<int>(args.GetCount("limit")));
    req.set_samples(static_cast<int>(args.GetCount("samples")));
    req.set_seed(args.GetUint64("seed"));
    req.set_damping(args.GetDouble("damping"));
    FillFilter(args, req.mutable_filter());
    v1::RankActorsResponse resp;
    if (auto rc = Answered(analytics_->RankActors(Ctx().get(), req, &resp), resp)) return *rc;
    const int decimals = by == "degree" ? 0 : by == "pagerank" ? 4 : 2;
    std::cout << "Actors by " << resp.method() << "\n";
    TextTable t({"rank", by, "actor", "name"}, {true, true});
    for (const auto& a : resp.actors()) {
      t.AddRow({std::to_string(a.rank()), Fixed(a.score(), decimals), a.actor(), a.name()});
    }
    std::cout << t.Render();
    return 0;
  }

  int Balance(const Args& args) {
    args.ExpectPositional(0, "no positional argument");
    v1::GetBalanceRequest req;
    req.set_limit(static_cast<int>(args.GetCount("limit")));
    FillFilter(args, req.mutable_filter());
    v1::GetBalanceResponse resp;
    if (auto rc = Answered(analytics_->GetBalance(Ctx().get(), req, &resp), resp)) return *rc;
    std::cout << "Signed triangles: " << resp.balanced() << " balanced, " << resp.unbalanced()
              << " unbalanced (balance ratio " << Fixed(resp.ratio(), 3) << ")\n";
    if (resp.actors().empty()) return 0;
    std::cout << "\nActors in the most unbalanced triangles:\n";
    TextTable t({"actor", "unbalanced", "balanced"}, {false, true, true});
    for (const auto& a : resp.actors()) {
      t.AddRow({a.actor(), std::to_string(a.unbalanced()), std::to_string(a.balanced())});
    }
    std::cout << t.Render();
    return 0;
  }

  // Every actor, by id (ListActors, paged).
  grpc::Status FetchActors(std::map<std::string, v1::Actor>* out) {
    v1::ListActorsRequest req;
    req.set_page_size(1000);
    do {
      v1::ListActorsResponse resp;
      grpc::Status s = stub_->ListActors(Ctx().get(), req, &resp);
      if (!s.ok()) return s;
      for (const auto& a : resp.actors()) (*out)[a.id()] = a;
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    return grpc::Status::OK;
  }

  // Every relation matching `filter` (ListRelations, paged), aggregated per (source, target),
  // or per unordered pair (smaller id first) when not `directed`.
  grpc::Status FetchEdges(const v1::RelationFilter& filter, bool directed,
                          std::map<EdgeKey, Aggregate>* out) {
    v1::ListRelationsRequest req;
    *req.mutable_filter() = filter;
    req.set_page_size(1000);
    do {
      v1::ListRelationsResponse resp;
      grpc::Status s = stub_->ListRelations(Ctx().get(), req, &resp);
      if (!s.ok()) return s;
      for (const auto& r : resp.relations()) {
        EdgeKey key = directed ? EdgeKey(r.source(), r.target())
                               : EdgeKey(std::minmax(r.source(), r.target()));
        (*out)[key].Add(r);
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    return grpc::Status::OK;
  }

  int Export(const Args& args) {
    args.ExpectPositional(0, "no positional argument");
    const Format format = GetFormat(args, g_.json, "csv");
    if (format == Format::kTable) throw UsageError("export writes dot, graphml, csv or csv-nodes");
    v1::RelationFilter filter;
    FillFilter(args, &filter);
    std::map<std::string, v1::Actor> actors;
    std::map<EdgeKey, Aggregate> edges;
    grpc::Status s = FetchEdges(filter, /*directed=*/true, &edges);
    if (s.ok()) s = FetchActors(&actors);
    if (!s.ok()) return Fail(s);
    std::set<std::string> ids;
    for (const auto& [key, agg] : edges) ids.insert({key.first, key.second});
    if (g_.json) {
      v1::GetNeighborhoodResponse resp;
      std::map<std::string, std::set<std::string>> neighbours;
      for (const auto& [key, agg] : edges) {
        if (key.first == key.second) continue;
        neighbours[key.first].insert(key.second);
        neighbours[key.second].insert(key.first);
      }
      for (const auto& id : ids) {
        v1::Node* n = resp.add_nodes();
        n->set_actor(id);
        if (auto it = actors.find(id); it != actors.end()) {
          n->set_name(it->second.name());
          n->set_kind(it->second.kind());
          n->set_country(it->second.country());
        }
        n->set_degree(static_cast<int>(neighbours[id].size()));
      }
      for (const auto& [key, agg] : edges) {
        cli::DrawEdge d = agg.ToDrawEdge(key.first, key.second);
        v1::Edge* e = resp.add_edges();
        e->set_source(d.source);
        e->set_target(d.target);
        e->set_count(d.count);
        e->set_weight(d.weight);
        e->set_sign(d.sign);
        e->set_first_seen(d.first_seen);
        e->set_last_seen(d.last_seen);
      }
      PrintJson(resp);
      return 0;
    }
    DrawGraph g;
    for (const auto& id : ids) g.nodes.push_back(NodeFor(id, actors));
    for (const auto& [key, agg] : edges) g.edges.push_back(agg.ToDrawEdge(key.first, key.second));
    WriteGraph(g, format);
    return 0;
  }

  // ---- writing and following -------------------------------------------------------------

  int Load(const Args& args) {
    if (args.positional.empty()) throw UsageError("load takes one or more JSONL files");
    v1::IngestRelationsResponse resp;
    auto ctx = Ctx(/*deadline=*/false);  // a big load takes as long as it takes
    auto writer = stub_->IngestRelations(ctx.get(), &resp);
    JsonlReadStats stats;
    bool send_failed = false;
    for (const auto& path : args.positional) {
      absl::Status s = ReadRelationsFile(
          path, 1000,
          [&](std::vector<Observation>& batch) -> absl::Status {
            v1::IngestRelationsRequest req;
            for (const Observation& o : batch) ToProto(o, req.add_relations());
            if (!writer->Write(req)) {
              send_failed = true;
              return absl::UnavailableError("the server closed the stream");
            }
            return absl::OkStatus();
          },
          [](const std::string& msg) { std::cerr << "actorgraph: " << msg << "\n"; }, &stats);
      if (!s.ok() && !send_failed) {
        std::cerr << "actorgraph: " << s.message() << "\n";
        writer->WritesDone();
        writer->Finish().ok();
        return cli::kExitServerError;
      }
      if (send_failed) break;
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (!s.ok()) return Fail(s);
    if (g_.json) {
      PrintJson(resp);
    } else {
      std::cout << "loaded " << resp.inserted() << " new relations (" << resp.duplicates()
                << " already present, " << resp.actors_created() << " actors created, "
                << stats.rejected << " malformed lines skipped)\n";
    }
    return stats.rejected > 0 ? cli::kExitLoadSkipped : cli::kExitOk;
  }

  int LoadActors(const Args& args) {
    if (args.positional.empty()) throw UsageError("load-actors takes one or more paths");
    v1::UpsertActorsRequest req;
    JsonlReadStats stats;
    for (const auto& path : args.positional) {
      std::vector<actorgraph::Actor> actors;
      absl::Status s = ReadActorsPath(
          path, &actors, [](const std::string& msg) { std::cerr << "actorgraph: " << msg << "\n"; },
          &stats);
      if (!s.ok()) {
        std::cerr << "actorgraph: " << s.message() << "\n";
        return cli::kExitServerError;
      }
      for (const auto& a : actors) ToProto(a, 0, req.add_actors());
    }
    if (req.actors_size() == 0) {
      std::cerr << "actorgraph: no valid actor found\n";
      return cli::kExitServerError;
    }
    v1::UpsertActorsResponse resp;
    auto s = stub_->UpsertActors(Ctx().get(), req, &resp);
    if (!s.ok()) return Fail(s);
    if (g_.json) {
      PrintJson(resp);
    } else {
      std::cout << "actors: " << resp.created() << " created, " << resp.updated() << " updated, "
                << stats.rejected << " malformed lines skipped\n";
    }
    return stats.rejected > 0 ? cli::kExitLoadSkipped : cli::kExitOk;
  }

  int Retract(const Args& args) {
    args.ExpectPositional(1, "one DOC");
    v1::RetractDocumentRequest req;
    req.set_doc(args.positional[0]);
    v1::RetractDocumentResponse resp;
    auto s = stub_->RetractDocument(Ctx().get(), req, &resp);
    if (!s.ok()) return Fail(s);
    if (g_.json) {
      PrintJson(resp);
    } else {
      std::cout << "retracted " << resp.removed() << " relations of document " << req.doc() << "\n";
    }
    return 0;
  }

  int Watch(const Args& args) {
    args.ExpectPositional(0, "no positional argument");
    v1::WatchChangesRequest req;
    req.set_after_version(args.GetCount("after"));
    const long long limit = args.GetCount("limit");
    auto ctx = Ctx(/*deadline=*/false);
    auto reader = stub_->WatchChanges(ctx.get(), req);
    v1::ChangeEvent ev;
    long long n = 0;
    while (reader->Read(&ev)) {
      if (g_.json) {
        std::string out;
        (void)google::protobuf::util::MessageToJsonString(ev, &out);
        std::cout << out << std::endl;
      } else {
        std::cout << ev.version() << " " << v1::ChangeType_Name(ev.type()) << " " << ev.ref();
        if (ev.has_relation()) {
          std::cout << " " << ev.relation().source() << " " << KindName(ev.relation().kind()) << " "
                    << ev.relation().target();
        }
        if (!ev.doc().empty()) std::cout << " [" << ev.doc() << "]";
        std::cout << std::endl;
      }
      if (limit > 0 && ++n >= limit) {
        ctx->TryCancel();
        reader->Finish().ok();
        return 0;
      }
    }
    auto s = reader->Finish();
    return s.ok() ? 0 : Fail(s);
  }

  Global g_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ActorGraph::Stub> stub_;
  std::unique_ptr<v1::Analytics::Stub> analytics_;
};

int Run(int argc, char** argv) {
  Global g;
  const char* env = std::getenv("ACTORGRAPH_SERVER");
  g.server = env && *env ? env : "localhost:50051";
  const char* token = std::getenv("ACTORGRAPH_TOKEN");
  g.token = token ? token : "";
  const std::vector<std::string> all(argv + 1, argv + argc);
  const CommandSpec* spec = nullptr;
  try {
    size_t i = 0;
    for (; i < all.size(); ++i) {
      if (all[i] == "-h" || all[i] == "--help") {
        std::cout << cli::GeneralHelp();
        return cli::kExitOk;
      }
      if (ConsumeGlobalFlag(all, &i, &g)) continue;
      if (all[i].rfind("-", 0) == 0) throw UsageError("unknown flag " + all[i]);
      break;
    }
    if (i >= all.size()) {
      std::cerr << cli::GeneralHelp();
      throw UsageError("no command given");
    }
    const std::string cmd = all[i];
    spec = cli::FindCommand(cmd);
    if (spec == nullptr) throw UsageError("unknown command \"" + cmd + "\"");
    // Global flags may also follow the command; --help anywhere asks for this command's help.
    std::vector<std::string> rest;
    for (size_t j = i + 1; j < all.size(); ++j) {
      if (all[j] == "--") {
        rest.insert(rest.end(), all.begin() + static_cast<long>(j), all.end());
        break;
      }
      if (all[j] == "-h" || all[j] == "--help") {
        std::cout << cli::CommandHelp(*spec);
        return cli::kExitOk;
      }
      if (!ConsumeGlobalFlag(all, &j, &g)) rest.push_back(all[j]);
    }
    if (cmd == "help") {
      if (rest.empty()) {
        std::cout << cli::GeneralHelp();
        return cli::kExitOk;
      }
      const CommandSpec* about = cli::FindCommand(rest[0]);
      if (about == nullptr || rest.size() > 1) {
        throw UsageError("help takes one command name; \"" + rest[0] + "\" is not a command");
      }
      std::cout << cli::CommandHelp(*about);
      return cli::kExitOk;
    }
    Args args(rest, *spec);
    Cli client(g);
    return client.Run(cmd, args);
  } catch (const UsageError& e) {
    std::cerr << "actorgraph: " << e.what() << "\n";
    if (spec != nullptr && spec->name != "help") {
      std::cerr << cli::Usage(*spec) << "Run 'actorgraph help " << spec->name
                << "' for flags and examples.\n";
    } else {
      std::cerr << "Run 'actorgraph --help' for the commands.\n";
    }
    return cli::kExitUsage;
  }
}

}  // namespace
}  // namespace actorgraph

int main(int argc, char** argv) { return actorgraph::Run(argc, argv); }
