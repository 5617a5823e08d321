// A vector that grows by chunks, so that growing it never moves its elements.
// Internal to the graph library (actor_graph_impl.h).
#ifndef ACTORGRAPH_GRAPH_CHUNKED_VECTOR_H_
#define ACTORGRAPH_GRAPH_CHUNKED_VECTOR_H_

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace actorgraph {
namespace graph_internal {

// Indexable like a std::vector, but stored in chunks of 2^kBits elements: a std::vector
// doubles by copying every element into fresh memory, which for the graph's edge array (at
// 8 M edges) held the writer's exclusive lock for about half a second, mostly the kernel
// supplying fresh pages. Here growth allocates one chunk. Elements never move, so references
// stay valid. Only the parts of std::vector's interface the graph uses.
template <typename T, int kBits = 12>
class ChunkedVector {
 public:
  static constexpr size_t kChunk = size_t{1} << kBits;

  T& operator[](size_t i) { return chunks_[i >> kBits][i & (kChunk - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kBits][i & (kChunk - 1)]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void push_back(T value) {
    if ((size_ >> kBits) == chunks_.size()) chunks_.push_back(std::make_unique<T[]>(kChunk));
    (*this)[size_] = std::move(value);
    ++size_;
  }
  // Room in the chunk table for `n` elements: push_back then never reallocates the table, so
  // a thread may read elements below size() while another appends (the graph image's
  // reader does).
  void reserve(size_t n) { chunks_.reserve((n + kChunk - 1) >> kBits); }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace graph_internal
}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_CHUNKED_VECTOR_H_
