// actorgraph: the command-line client of actorgraph-server.
// Readable text by default; --json prints the response message in protobuf's canonical JSON.
// Exit status: 0 success, 1 the server or the connection reported an error, 2 usage error,
// 3 `load` finished but skipped malformed lines.
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "graph/strings.h"
#include "absl/strings/str_split.h"
#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "graph/types.h"
#include "server/convert.h"
#include "server/jsonl_file.h"

namespace actorgraph {
namespace {

namespace v1 = ::actorgraph::v1;

constexpr char kUsage[] = R"(usage: actorgraph [--server ADDR] [--json] [--timeout SECONDS] COMMAND [ARGS]

Commands:
  actor NAME                       one actor (NAME is an id or any alias: "Erdogan")
  actors [--query TEXT] [--kind KIND] [--limit N] [--page-token T]
                                   list actors
  resolve NAME                     the actors a name may refer to
  relations ACTOR [--with OTHER] [--kinds K,...] [--sign positive|negative|any]
            [--since DATE] [--until DATE] [--doc DOC] [--limit N] [--page-token T]
                                   relation observations of an actor, newest first
  path FROM TO [--max-hops N] [--k N] [--kinds K,...] [--sign positive|negative|any]
            [--since DATE] [--until DATE] [--directed] [--evidence N]
                                   shortest paths, with the evidence of every edge
  load FILE.jsonl...               ingest relations JSONL (bad lines are reported, the rest load)
  load-actors PATH...              upsert an actor dictionary (.jsonl file or folder)
  retract DOC                      remove every relation read from document DOC
  watch [--after VERSION] [--limit N]
                                   print committed changes after VERSION, then follow new ones

Global flags:
  --server ADDR    server address (default $ACTORGRAPH_SERVER or localhost:50051)
  --token TOKEN    bearer token (default $ACTORGRAPH_TOKEN)
  --tls            use TLS (system roots)       --tls-ca PEM   use TLS trusting this CA
  --tls-cert PEM --tls-key PEM                   client certificate for mutual TLS
  --json           print the response in protobuf's canonical JSON mapping
  --timeout S      deadline per call in seconds (default 30)

Examples:
  actorgraph path russia gna
  actorgraph relations haftar --kinds REJECT,FIGHT
  actorgraph --json actor "Recep Tayyip Erdogan"
)";

struct Global {
  std::string server;
  std::string token;
  bool json = false;
  int timeout_s = 30;
  bool tls = false;
  std::string tls_ca, tls_cert, tls_key;
};

std::string ReadFileOrDie(const std::string& path);

class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Splits the command's arguments into positionals and --flag values.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  std::map<std::string, bool> switches;

  Args(const std::vector<std::string>& argv, const std::vector<std::string>& valued,
       const std::vector<std::string>& boolean) {
    for (size_t i = 0; i < argv.size(); ++i) {
      const std::string& a = argv[i];
      if (a.rfind("--", 0) != 0 || a == "--") {
        positional.push_back(a);
        continue;
      }
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      if (std::find(boolean.begin(), boolean.end(), name) != boolean.end()) {
        switches[name] = true;
      } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
        if (!has_value) {
          if (i + 1 >= argv.size()) throw UsageError("--" + name + " needs a value");
          value = argv[++i];
        }
        flags[name] = value;
      } else {
        throw UsageError("unknown flag --" + name);
      }
    }
  }
  std::string Get(const std::string& name, const std::string& def = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? def : it->second;
  }
  int GetInt(const std::string& name, int def) const {
    auto it = flags.find(name);
    if (it == flags.end()) return def;
    try {
      size_t used = 0;
      int v = std::stoi(it->second, &used);
      if (used != it->second.size()) throw std::invalid_argument("");
      return v;
    } catch (...) {
      throw UsageError("--" + name + ": \"" + it->second + "\" is not a whole number");
    }
  }
};

const char* CodeName(grpc::StatusCode c) {
  static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                                 "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                 "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                 "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  int i = static_cast<int>(c);
  return i >= 0 && i <= 16 ? kNames[i] : "UNKNOWN";
}

int Fail(const grpc::Status& s) {
  std::cerr << "actorgraph: " << CodeName(s.error_code()) << ": " << s.error_message() << "\n";
  return 1;
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

void FillFilter(const Args& args, v1::RelationFilter* f) {
  for (const auto& part : absl::StrSplit(args.Get("kinds"), ',', absl::SkipWhitespace())) {
    v1::RelationKind k;
    std::string name(part);
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!v1::RelationKind_Parse(name, &k) || k == v1::RELATION_KIND_UNSPECIFIED) {
      throw UsageError("--kinds: unknown relation kind \"" + std::string(part) + "\"");
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
  f->set_since(args.Get("since"));
  f->set_until(args.Get("until"));
}

void PrintActor(const v1::Actor& a) {
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
}

void PrintRelation(const v1::Relation& r, const std::string& indent) {
  std::cout << indent << std::left << std::setw(10) << (r.date().empty() ? "(undated)" : r.date())
            << " " << r.source() << " " << KindName(r.kind()) << " " << r.target() << " ("
            << SignChar(r.sign()) << ", weight " << r.weight() << ", confidence "
            << r.confidence() << ", CAMEO " << r.cameo() << ")\n";
  if (!r.evidence().sentence().empty()) {
    std::string s = r.evidence().sentence();
    if (s.size() > 300) s = s.substr(0, 297) + "...";
    std::cout << indent << "    \"" << s << "\"";
    if (!r.evidence().doc().empty()) std::cout << " [" << r.evidence().doc() << "]";
    std::cout << "\n";
  }
}

class Cli {
 public:
  Cli(Global g) : g_(std::move(g)) {
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

  int Retract(const Args& args) {
    if (args.positional.size() != 1) throw UsageError("retract takes one DOC");
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
    if (!args.positional.empty()) throw UsageError("watch takes no positional argument");
    v1::WatchChangesRequest req;
    req.set_after_version(args.GetInt("after", 0));
    const int limit = args.GetInt("limit", 0);
    auto ctx = Ctx(/*deadline=*/false);
    auto reader = stub_->WatchChanges(ctx.get(), req);
    v1::ChangeEvent ev;
    int n = 0;
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

  int Actor(const Args& args) {
    if (args.positional.size() != 1) throw UsageError("actor takes one NAME");
    v1::GetActorRequest req;
    req.set_actor(args.positional[0]);
    v1::Actor resp;
    auto s = stub_->GetActor(Ctx().get(), req, &resp);
    if (!s.ok()) return Fail(s);
    g_.json ? PrintJson(resp) : PrintActor(resp);
    return 0;
  }

  int Actors(const Args& args) {
    if (!args.positional.empty()) throw UsageError("actors takes no positional argument");
    v1::ListActorsRequest req;
    req.set_query(args.Get("query"));
    req.set_page_size(args.GetInt("limit", 0));
    req.set_page_token(args.Get("page-token"));
    if (std::string kind = args.Get("kind"); !kind.empty()) {
      v1::ActorKind k;
      for (auto& c : kind) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!v1::ActorKind_Parse(kind, &k)) throw UsageError("--kind: unknown actor kind " + kind);
      req.set_kind(k);
    }
    v1::ListActorsResponse resp;
    auto s = stub_->ListActors(Ctx().get(), req, &resp);
    if (!s.ok()) return Fail(s);
    if (g_.json) {
      PrintJson(resp);
      return 0;
    }
    for (const auto& a : resp.actors()) {
      std::cout << std::left << std::setw(24) << a.id() << " " << std::setw(12)
                << v1::ActorKind_Name(a.kind()) << " " << std::setw(5) << a.country() << " "
                << std::right << std::setw(5) << a.observation_count() << "  " << a.name() << "\n";
    }
    std::cout << resp.actors_size() << " of " << resp.total_size() << " actors";
    if (!resp.next_page_token().empty()) std::cout << " (next: --page-token " << resp.next_page_token() << ")";
    std::cout << "\n";
    return 0;
  }

  int Resolve(const Args& args) {
    if (args.positional.size() != 1) throw UsageError("resolve takes one NAME");
    v1::ResolveActorRequest req;
    req.set_name(args.positional[0]);
    v1::ResolveActorResponse resp;
    auto s = stub_->ResolveActor(Ctx().get(), req, &resp);
    if (!s.ok()) return Fail(s);
    if (g_.json) {
      PrintJson(resp);
      return 0;
    }
    if (resp.candidates().empty()) std::cout << "no actor matches \"" << req.name() << "\"\n";
    for (const auto& c : resp.candidates()) {
      std::cout << std::fixed << std::setprecision(2) << c.score() << "  " << std::left
                << std::setw(24) << c.actor().id() << " " << c.actor().name() << "  (matched \""
                << c.matched() << "\")\n";
    }
    return 0;
  }

  int Relations(const Args& args) {
    if (args.positional.size() != 1) throw UsageError("relations takes one ACTOR");
    v1::ListRelationsRequest req;
    req.set_actor(args.positional[0]);
    req.set_other(args.Get("with"));
    req.set_doc(args.Get("doc"));
    req.set_page_size(args.GetInt("limit", 0));
    req.set_page_token(args.Get("page-token"));
    FillFilter(args, req.mutable_filter());
    v1::ListRelationsResponse resp;
    auto s = stub_->ListRelations(Ctx().get(), req, &resp);
    if (!s.ok()) return Fail(s);
    if (g_.json) {
      PrintJson(resp);
      return 0;
    }
    for (const auto& r : resp.relations()) PrintRelation(r, "");
    std::cout << resp.relations_size() << " of " << resp.total_size() << " relations";
    if (!resp.next_page_token().empty()) std::cout << " (next: --page-token " << resp.next_page_token() << ")";
    std::cout << "\n";
    return 0;
  }

  int Path(const Args& args) {
    if (args.positional.size() != 2) throw UsageError("path takes FROM and TO");
    v1::FindPathsRequest req;
    req.set_from(args.positional[0]);
    req.set_to(args.positional[1]);
    req.set_max_hops(args.GetInt("max-hops", 0));
    req.set_k(args.GetInt("k", 0));
    req.set_max_evidence(args.GetInt("evidence", 0));
    req.set_directed(args.switches.count("directed") > 0);
    FillFilter(args, req.mutable_filter());
    v1::FindPathsResponse resp;
    auto s = stub_->FindPaths(Ctx().get(), req, &resp);
    if (!s.ok()) return Fail(s);
    if (g_.json) {
      PrintJson(resp);
      return 0;
    }
    if (resp.paths().empty()) {
      std::cout << "no path from " << req.from() << " to " << req.to() << " within "
                << (req.max_hops() ? req.max_hops() : 4) << " hops\n";
      return 0;
    }
    int n = 0;
    for (const auto& p : resp.paths()) {
      std::cout << "path " << ++n << " (" << p.edges_size() << " hops, overall sign "
                << SignChar(p.sign()) << "): ";
      for (int i = 0; i < p.actors_size(); ++i) std::cout << (i ? " -> " : "") << p.actors(i);
      std::cout << "\n";
      for (const auto& e : p.edges()) {
        std::cout << "  " << e.source() << (e.reversed() ? " <- " : " -> ") << e.target()
                  << ": " << e.count() << " observation(s), net weight " << e.weight()
                  << " (" << SignChar(e.sign()) << ")\n";
        for (const auto& r : e.relations()) PrintRelation(r, "    ");
      }
    }
    if (resp.truncated()) std::cout << "(more paths exist; raise --k to see them)\n";
    return 0;
  }

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
        return 1;
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
    return stats.rejected > 0 ? 3 : 0;
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
        return 1;
      }
      for (const auto& a : actors) ToProto(a, 0, req.add_actors());
    }
    if (req.actors_size() == 0) {
      std::cerr << "actorgraph: no valid actor found\n";
      return 1;
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
    return stats.rejected > 0 ? 3 : 0;
  }

 private:
  Global g_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ActorGraph::Stub> stub_;
};

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Run(int argc, char** argv) {
  Global g;
  const char* env = std::getenv("ACTORGRAPH_SERVER");
  g.server = env && *env ? env : "localhost:50051";
  const char* token = std::getenv("ACTORGRAPH_TOKEN");
  g.token = token ? token : "";
  int i = 1;
  try {
    for (; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "-h" || a == "--help" || a == "help") {
        std::cout << kUsage;
        return 0;
      } else if (a == "--json") {
        g.json = true;
      } else if (a == "--server") {
        if (++i >= argc) throw UsageError("--server needs an address");
        g.server = argv[i];
      } else if (a == "--token") {
        if (++i >= argc) throw UsageError("--token needs a value");
        g.token = argv[i];
      } else if (a == "--tls") {
        g.tls = true;
      } else if (a == "--tls-ca" || a == "--tls-cert" || a == "--tls-key") {
        if (++i >= argc) throw UsageError(a + " needs a file");
        (a == "--tls-ca" ? g.tls_ca : a == "--tls-cert" ? g.tls_cert : g.tls_key) = argv[i];
      } else if (a == "--timeout") {
        if (++i >= argc) throw UsageError("--timeout needs seconds");
        g.timeout_s = std::atoi(argv[i]);
        if (g.timeout_s <= 0) throw UsageError("--timeout must be a positive number of seconds");
      } else if (a.rfind("--", 0) == 0) {
        throw UsageError("unknown flag " + a);
      } else {
        break;
      }
    }
    if (i >= argc) throw UsageError("no command given");
    std::string cmd = argv[i];
    std::vector<std::string> rest(argv + i + 1, argv + argc);
    // Global flags may also follow the command.
    std::vector<std::string> cleaned;
    for (size_t j = 0; j < rest.size(); ++j) {
      if (rest[j] == "--json") {
        g.json = true;
      } else if (rest[j] == "--server" && j + 1 < rest.size()) {
        g.server = rest[++j];
      } else {
        cleaned.push_back(rest[j]);
      }
    }
    const std::vector<std::string> filter_flags = {"kinds", "sign", "since", "until"};
    auto with = [&](std::vector<std::string> v) {
      v.insert(v.end(), filter_flags.begin(), filter_flags.end());
      return v;
    };
    Cli cli(g);
    if (cmd == "actor") return cli.Actor(Args(cleaned, {}, {}));
    if (cmd == "actors") return cli.Actors(Args(cleaned, {"query", "kind", "limit", "page-token"}, {}));
    if (cmd == "resolve") return cli.Resolve(Args(cleaned, {}, {}));
    if (cmd == "relations") {
      return cli.Relations(Args(cleaned, with({"with", "doc", "limit", "page-token"}), {}));
    }
    if (cmd == "path") {
      return cli.Path(Args(cleaned, with({"max-hops", "k", "evidence"}), {"directed"}));
    }
    if (cmd == "load") return cli.Load(Args(cleaned, {}, {}));
    if (cmd == "load-actors") return cli.LoadActors(Args(cleaned, {}, {}));
    if (cmd == "retract") return cli.Retract(Args(cleaned, {}, {}));
    if (cmd == "watch") return cli.Watch(Args(cleaned, {"after", "limit"}, {}));
    throw UsageError("unknown command \"" + cmd + "\"");
  } catch (const UsageError& e) {
    std::cerr << "actorgraph: " << e.what() << "\n\n" << kUsage;
    return 2;
  }
}

}  // namespace
}  // namespace actorgraph

int main(int argc, char** argv) { return actorgraph::Run(argc, argv); }
