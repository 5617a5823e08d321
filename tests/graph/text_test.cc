#include "graph/text.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace actorgraph {
namespace {

TEST(TextTest, EmptyByDefaultAndFromEmptyStrings) {
  Text a, b(""), c{std::string()};
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.view(), "");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.use_count(), 0u);
}

TEST(TextTest, HoldsBytesIncludingNulAndUtf8) {
  std::string raw("Erdo\xC4\x9F" "an\0x", 10);
  Text t(raw);
  EXPECT_EQ(t.size(), raw.size());
  EXPECT_EQ(t.str(), raw);
  EXPECT_EQ(t, raw);
}

TEST(TextTest, CopiesShareBytesAndCountReferences) {
  Text a("russia");
  {
    Text b = a;
    EXPECT_TRUE(b.SharesBytesWith(a));
    EXPECT_EQ(a.use_count(), 2u);
    Text c = std::move(b);
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(a.use_count(), 2u);
  }
  EXPECT_EQ(a.use_count(), 1u);
}

TEST(TextTest, AssignmentReleasesThePreviousValue) {
  Text a("turkey"), b("egypt");
  Text keep = a;
  a = b;
  EXPECT_EQ(a, "egypt");
  EXPECT_EQ(keep.use_count(), 1u);
  EXPECT_EQ(b.use_count(), 2u);
  a = a;  // self-assignment keeps the value
  EXPECT_EQ(a, "egypt");
  a = std::string("gna");
  EXPECT_EQ(a, "gna");
  EXPECT_EQ(b.use_count(), 1u);
}

TEST(TextTest, ComparesWithEveryStringType) {
  Text t("haftar");
  EXPECT_TRUE(t == "haftar");
  EXPECT_TRUE("haftar" == t);
  EXPECT_TRUE(t == std::string("haftar"));
  EXPECT_TRUE(t == std::string_view("haftar"));
  EXPECT_TRUE(t != "sarraj");
  EXPECT_TRUE(t < Text("sarraj"));
  EXPECT_TRUE(t < "sarraj");
  EXPECT_TRUE(Text("a") < Text("b"));
  EXPECT_FALSE(Text("b") < Text("b"));
}

TEST(TextTest, WorksAsAHashSetKeyWithStringViewLookup) {
  absl::flat_hash_set<Text, TextHash, TextEq> pool;
  pool.insert(Text("lna"));
  pool.insert(Text("lna"));
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_TRUE(pool.contains(std::string_view("lna")));
  EXPECT_FALSE(pool.contains(std::string_view("gna")));
}

TEST(TextTest, SharedCopiesAreSafeAcrossThreads) {
  Text shared("united-nations");
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&shared] {
      for (int k = 0; k < 20000; ++k) {
        Text copy = shared;
        ASSERT_EQ(copy.size(), 14u);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(shared.use_count(), 1u);
}

}  // namespace
}  // namespace actorgraph
