#include "tools/extract/eval.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/extract/strings.h"
#include "tools/extract/text.h"

namespace actorgraph::extract {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

absl::StatusOr<std::vector<json>> LoadJsonl(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<json> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string_view s = SV(absl::StripAsciiWhitespace(line));
    if (s.empty()) continue;
    json j = json::parse(s.begin(), s.end(), nullptr, false);
    if (j.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ":", n, ": not JSON"));
    out.push_back(std::move(j));
  }
  return out;
}

std::string Str(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

int SignOf(const json& j) {
  auto it = j.find("sign");
  if (it == j.end() || it->is_null()) return 0;
  if (it->is_number()) return static_cast<int>(it->get<double>());
  if (it->is_string()) {
    try {
      return std::stoi(it->get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

bool Flag(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number()) return it->get<double>() != 0;
  if (it->is_string()) return !it->get<std::string>().empty();
  return true;
}

class Groups {
 public:
  void Add(const json& actor) {
    std::string group = Str(actor, "group");
    by_name_.try_emplace(NormalizeName(Str(actor, "name")), group);
    if (auto it = actor.find("aliases"); it != actor.end() && it->is_array()) {
      for (const json& a : *it) {
        if (a.is_string()) by_name_.try_emplace(NormalizeName(a.get<std::string>()), group);
      }
    }
  }
  std::optional<std::string> Of(const std::string& a, const std::string& b) const {
    for (const std::string* n : {&a, &b}) {
      if (n->empty()) continue;
      auto it = by_name_.find(NormalizeName(*n));
      if (it != by_name_.end() && !it->second.empty()) return it->second;
    }
    for (const std::string* n : {&a, &b}) {
      if (!n->empty()) return NormalizeName(*n);
    }
    return std::nullopt;
  }

 private:
  absl::flat_hash_map<std::string, std::string> by_name_;
};

bool IsStructural(const std::string& kind) { return kind == "LEADS" || kind == "MEMBER_OF"; }

}  // namespace

std::string NormalizeName(std::string_view name) {
  std::string f = Fold(name);
  std::string out;
  bool space = false;
  for (char c : f) {
    if (c == '.') continue;
    if (c == '-' || c == '_' || absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  if (out.rfind("the ", 0) == 0) out.erase(0, 4);
  return out;
}

absl::StatusOr<EvalResult> EvaluateRelations(const std::string& gold_dir,
                                             const std::vector<std::string>& pred_files,
                                             bool by_country, std::ostream* verbose) {
  Groups groups;
  {
    auto actors = LoadJsonl((fs::path(gold_dir) / "actors.jsonl").string());
    if (!actors.ok()) return actors.status();
    for (const json& a : *actors) groups.Add(a);
  }
  std::map<std::string, std::vector<json>> gold;
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(gold_dir, ec)) {
    if (e.path().extension() == ".jsonl" && e.path().filename() != "actors.jsonl") {
      files.push_back(e.path().string());
    }
  }
  if (ec) return absl::NotFoundError(absl::StrCat("cannot list ", gold_dir, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    auto recs = LoadJsonl(f);
    if (!recs.ok()) return recs.status();
    for (json& g : *recs) gold[Str(g, "doc")].push_back(std::move(g));
  }
  std::map<std::string, std::vector<json>> preds;
  for (const std::string& pf : pred_files) {
    auto recs = LoadJsonl(pf);
    if (!recs.ok()) return recs.status();
    for (json& p : *recs) {
      std::string doc = Str(p, "doc");
      if (gold.count(doc)) preds[doc].push_back(std::move(p));
    }
  }
  auto side = [&](const json& rec, const std::string& which) -> std::optional<std::string> {
    if (by_country) {
      std::string c = Str(rec, (which + "_country").c_str());
      if (c.empty()) return std::nullopt;
      return absl::AsciiStrToUpper(c);
    }
    return groups.Of(Str(rec, (which + "_name").c_str()), Str(rec, which.c_str()));
  };

  EvalResult result;
  result.docs = static_cast<int>(gold.size());
  for (int level = 0; level < 2; ++level) {
    bool sign_level = level == 0;
    int tp = 0, fp = 0, fn = 0;
    for (const auto& [doc, gl] : gold) {
      struct G {
        std::string s, t, label;
        bool und, opt;
      };
      std::vector<G> gt;
      for (const json& g : gl) {
        std::string kind = Str(g, "kind");
        if (sign_level && (SignOf(g) == 0 || IsStructural(kind))) continue;
        json gs = {{"source", Str(g, "source")}, {"source_country", Str(g, "source_country")}};
        json gtg = {{"target", Str(g, "target")}, {"target_country", Str(g, "target_country")}};
        auto s = side(gs, "source");
        auto t = side(gtg, "target");
        if (!s || !t || *s == *t) continue;
        gt.push_back({*s, *t, sign_level ? std::to_string(SignOf(g)) : kind, Flag(g, "undirected"),
                      Flag(g, "optional")});
      }
      std::set<std::tuple<std::string, std::string, std::string>> pt;
      auto pit = preds.find(doc);
      if (pit != preds.end()) {
        for (const json& p : pit->second) {
          std::string kind = Str(p, "kind");
          if (sign_level && (SignOf(p) == 0 || IsStructural(kind))) continue;
          auto s = side(p, "source");
          auto t = side(p, "target");
          if (!s || !t || *s == *t) continue;
          pt.emplace(*s, *t, sign_level ? std::to_string(SignOf(p)) : kind);
        }
      }
      auto matches = [](const std::tuple<std::string, std::string, std::string>& p, const G& g) {
        const auto& [s, t, lab] = p;
        return lab == g.label && ((s == g.s && t == g.t) || (g.und && s == g.t && t == g.s));
      };
      int d_tp = 0;
      for (const auto& p : pt) {
        bool ok = std::any_of(gt.begin(), gt.end(), [&](const G& g) { return matches(p, g); });
        if (ok) ++d_tp;
        if (verbose && sign_level) {
          *verbose << "  " << doc << ": " << (ok ? "ok   " : "FP   ") << std::get<0>(p) << " -> "
                   << std::get<1>(p) << " (" << (std::get<2>(p) == "1" ? "+1" : std::get<2>(p))
                   << ")\n";
        }
      }
      std::set<std::tuple<std::string, std::string, std::string, bool>> required;
      for (const G& g : gt) {
        if (!g.opt) required.emplace(g.s, g.t, g.label, g.und);
      }
      int d_fn = 0;
      for (const auto& [s, t, lab, und] : required) {
        G g{s, t, lab, und, false};
        bool hit = std::any_of(pt.begin(), pt.end(), [&](const auto& p) { return matches(p, g); });
        if (!hit) {
          ++d_fn;
          if (verbose && sign_level) {
            *verbose << "  " << doc << ": MISS " << s << " -> " << t << " ("
                     << (lab == "1" ? "+1" : lab) << ")\n";
          }
        }
      }
      tp += d_tp;
      fp += static_cast<int>(pt.size()) - d_tp;
      fn += d_fn;
    }
    EvalScore& sc = sign_level ? result.sign : result.kind;
    sc.tp = tp;
    sc.fp = fp;
    sc.fn = fn;
    sc.precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 0.0;
    sc.recall = tp + fn ? static_cast<double>(tp) / (tp + fn) : 0.0;
    sc.f1 = sc.precision + sc.recall ? 2 * sc.precision * sc.recall / (sc.precision + sc.recall)
                                     : 0.0;
  }
  return result;
}

}  // namespace actorgraph::extract
