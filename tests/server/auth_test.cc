#include "server/auth.h"

#include <gtest/gtest.h>

namespace actorgraph {
namespace {

std::string Line(const std::string& token, const std::string& scope, const std::string& label) {
  return TokenAuth::HashToken(token) + " " + scope + " " + label + "\n";
}

TEST(TokenAuthTest, ScopesDecideWhatATokenMayDo) {
  auto auth = TokenAuth::Parse("# analysts\n" + Line("reader-secret", "read", "ana") +
                                   Line("writer-secret", "write", "ingest bot"),
                               "tokens");
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_EQ((*auth)->size(), 2u);
  EXPECT_EQ(*(*auth)->Check("Bearer reader-secret", Scope::kRead), "ana");
  EXPECT_EQ(*(*auth)->Check("Bearer writer-secret", Scope::kWrite), "ingest bot");
  EXPECT_EQ(*(*auth)->Check("Bearer writer-secret", Scope::kRead), "ingest bot");
  EXPECT_EQ((*auth)->Check("Bearer reader-secret", Scope::kWrite).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ((*auth)->Check("", Scope::kRead).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ((*auth)->Check("Bearer nope", Scope::kRead).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ((*auth)->Check("Basic reader-secret", Scope::kRead).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TokenAuthTest, ErrorsNeverEchoTheToken) {
  auto auth = TokenAuth::Parse(Line("reader-secret", "read", "ana"), "tokens");
  ASSERT_TRUE(auth.ok());
  for (const char* presented : {"Bearer reader-secret", "Bearer wrong-secret"}) {
    auto r = (*auth)->Check(presented, Scope::kWrite);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(std::string(r.status().message()).find("secret"), std::string::npos);
  }
}

TEST(TokenAuthTest, MalformedFilesNameTheLine) {
  auto bad_scope = TokenAuth::Parse(Line("x", "admin", "root"), "tokens");
  ASSERT_FALSE(bad_scope.ok());
  EXPECT_NE(std::string(bad_scope.status().message()).find("tokens:1: scope"), std::string::npos);
  auto bad_hash = TokenAuth::Parse("\n\nnot-a-hash read\n", "tokens");
  ASSERT_FALSE(bad_hash.ok());
  EXPECT_NE(std::string(bad_hash.status().message()).find("tokens:3"), std::string::npos);
  EXPECT_FALSE(TokenAuth::Parse("# nothing\n", "tokens").ok());
  EXPECT_EQ(TokenAuth::Load("/nonexistent/tokens").status().code(), absl::StatusCode::kNotFound);
}

TEST(TokenAuthTest, HashIsSha256Hex) {
  EXPECT_EQ(TokenAuth::HashToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace actorgraph
