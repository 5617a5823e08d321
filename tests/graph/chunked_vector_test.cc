#include "graph/chunked_vector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace actorgraph::graph_internal {
namespace {

TEST(ChunkedVectorTest, IndexesLikeAVectorAcrossChunks) {
  ChunkedVector<std::string, 3> v;  // chunks of 8
  EXPECT_TRUE(v.empty());
  for (int i = 0; i < 100; ++i) v.push_back(std::to_string(i));
  ASSERT_EQ(v.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(v[i], std::to_string(i)) << i;
  v[42] = "changed";
  const ChunkedVector<std::string, 3>& c = v;
  EXPECT_EQ(c[42], "changed");
  EXPECT_EQ(c[99], "99");
}

// Growth allocates a chunk and moves nothing: references taken early stay valid.
TEST(ChunkedVectorTest, ElementsNeverMove) {
  ChunkedVector<std::vector<int>, 2> v;  // chunks of 4
  std::vector<const std::vector<int>*> where;
  for (int i = 0; i < 50; ++i) {
    v.push_back(std::vector<int>{i, i});
    where.push_back(&v[i]);
  }
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(&v[i], where[i]) << i;
    EXPECT_EQ((*where[i])[1], i);
  }
}

TEST(ChunkedVectorTest, ReserveThenFill) {
  ChunkedVector<int, 4> v;
  v.reserve(1000);
  for (int i = 0; i < 1000; ++i) v.push_back(i * 3);
  EXPECT_EQ(v.size(), 1000u);
  EXPECT_EQ(v[999], 2997);
}

}  // namespace
}  // namespace actorgraph::graph_internal
