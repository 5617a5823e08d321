#include "server/auth.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "graph/strings.h"

namespace actorgraph {

std::string TokenAuth::HashToken(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

absl::StatusOr<std::unique_ptr<TokenAuth>> TokenAuth::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read token file ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

absl::StatusOr<std::unique_ptr<TokenAuth>> TokenAuth::Parse(std::string_view text,
                                                           std::string_view origin) {
  auto auth = std::unique_ptr<TokenAuth>(new TokenAuth);
  std::istringstream lines{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string digest, scope, label;
    if (!(fields >> digest)) continue;  // blank or comment
    auto bad = [&](std::string_view why) {
      return absl::InvalidArgumentError(StrCat(origin, ":", number, ": ", why));
    };
    if (!(fields >> scope)) return bad("expected \"SHA256-HEX SCOPE [LABEL]\"");
    std::getline(fields >> std::ws, label);
    if (digest.size() != 64 ||
        digest.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return bad("the first field must be a lower-case hex SHA-256 (64 characters)");
    }
    Entry e;
    if (scope == "read") {
      e.scope = Scope::kRead;
    } else if (scope == "write") {
      e.scope = Scope::kWrite;
    } else {
      return bad(StrCat("scope must be read or write, not \"", scope, "\""));
    }
    e.label = label.empty() ? StrCat("token-", number) : label;
    auth->tokens_[digest] = std::move(e);
  }
  if (auth->tokens_.empty()) {
    return absl::InvalidArgumentError(StrCat(origin, ": no token; auth would lock everyone out"));
  }
  return auth;
}

absl::StatusOr<std::string> TokenAuth::Check(std::string_view authorization, Scope needed) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) {
    return absl::UnauthenticatedError("missing authorization metadata (\"Bearer TOKEN\")");
  }
  if (authorization.size() <= kBearer.size() ||
      authorization.substr(0, kBearer.size()) != kBearer) {
    return absl::UnauthenticatedError("authorization metadata must be \"Bearer TOKEN\"");
  }
  auto it = tokens_.find(HashToken(authorization.substr(kBearer.size())));
  if (it == tokens_.end()) return absl::UnauthenticatedError("unknown token");
  if (static_cast<int>(it->second.scope) < static_cast<int>(needed)) {
    return absl::PermissionDeniedError(
        StrCat("token \"", it->second.label, "\" has read scope; this call needs write"));
  }
  return it->second.label;
}

}  // namespace actorgraph
