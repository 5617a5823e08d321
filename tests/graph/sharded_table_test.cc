#include "graph/sharded_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace actorgraph::graph_internal {
namespace {

using IntSet = Sharded<absl::flat_hash_set<uint64_t>>;
using StringMap = Sharded<absl::flat_hash_map<std::string, int>>;

TEST(ShardedTest, ActsAsOneSet) {
  IntSet s;
  for (uint64_t i = 0; i < 5000; ++i) EXPECT_TRUE(s.insert(i * 7).second);
  EXPECT_FALSE(s.insert(uint64_t{14}).second);
  EXPECT_EQ(s.size(), 5000u);
  EXPECT_TRUE(s.contains(uint64_t{7 * 4999}));
  EXPECT_FALSE(s.contains(uint64_t{3}));
  ASSERT_NE(s.find(uint64_t{21}), nullptr);
  EXPECT_EQ(*s.find(uint64_t{21}), 21u);
  EXPECT_EQ(s.erase(uint64_t{21}), 1u);
  EXPECT_EQ(s.erase(uint64_t{21}), 0u);
  EXPECT_EQ(s.find(uint64_t{21}), nullptr);
  std::set<uint64_t> seen;
  s.ForEach([&](uint64_t v) { EXPECT_TRUE(seen.insert(v).second) << v << " visited twice"; });
  EXPECT_EQ(seen.size(), 4999u);
  EXPECT_EQ(seen.count(21), 0u);
  EXPECT_EQ(seen.count(7 * 4999), 1u);
}

TEST(ShardedTest, ActsAsOneMap) {
  StringMap m;
  m["libya"] = 1;
  EXPECT_TRUE(m.emplace(std::string("turkey"), 2).second);
  auto [existing, inserted] = m.emplace(std::string("libya"), 9);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(existing->second, 1);
  ASSERT_NE(m.find(std::string("turkey")), nullptr);
  EXPECT_EQ(m.find(std::string("turkey"))->second, 2);
  m.ForEach([](auto& entry) { entry.second *= 10; });
  EXPECT_EQ(m["libya"], 10);
  EXPECT_EQ(m.size(), 2u);
}

// Elements are spread over the shards: each shard grows on its own, so the rehashes come one
// shard at a time, at least once per shard as the set grows past a shard's first capacities.
TEST(ShardedTest, ShardsGrowOneAtATime) {
  IntSet s;
  for (uint64_t i = 0; i < 200'000; ++i) s.insert(i);
  EXPECT_GE(s.rehashes(), IntSet::kShards * 4);
}

// rehashes() tells a holder of an element pointer when the pointer may have gone stale: while
// it is unchanged, the element stays where it was.
TEST(ShardedTest, PointersHoldWhileRehashesIsUnchanged) {
  StringMap m;
  int* held = &m["held"];
  size_t seen = m.rehashes();
  for (int i = 0; i < 100'000; ++i) {
    m[std::to_string(i)] = i;
    if (m.rehashes() != seen) {
      held = &m.find(std::string("held"))->second;
      seen = m.rehashes();
    }
    ASSERT_EQ(held, &m.find(std::string("held"))->second) << "after inserting " << i;
  }
  m.reserve(1'000'000);
  EXPECT_NE(m.rehashes(), seen);  // reserve may move elements too
}

TEST(ShardedTest, ReserveLeavesRoomForTheElements) {
  IntSet s;
  s.reserve(100'000);
  const size_t after_reserve = s.rehashes();
  for (uint64_t i = 0; i < 100'000; ++i) s.insert(i * 0x9E3779B97F4A7C15ull);
  EXPECT_EQ(s.rehashes(), after_reserve);
}

}  // namespace
}  // namespace actorgraph::graph_internal
