// A hash table split into shards, so that growing it never rehashes everything at once.
// Internal to the graph library (actor_graph_impl.h).
#ifndef ACTORGRAPH_GRAPH_SHARDED_TABLE_H_
#define ACTORGRAPH_GRAPH_SHARDED_TABLE_H_

#include <array>
#include <cstddef>
#include <utility>

namespace actorgraph {
namespace graph_internal {

// An absl flat_hash_set or flat_hash_map (`Table`) split into 2^kBits tables by the top bits of
// the key's hash. An absl table grows by rehashing every element in one call; the graph's
// indexes grow while the server's writer holds the graph's exclusive lock, and at tens of
// millions of entries one such rehash blocked every reader for seconds. A shard holds
// 1/2^kBits of the entries, so its rehash stalls that much less, and the total work is the same.
//
// The interface is the part of the table's the graph uses. Lookups hash once (absl's
// find(key, hash)); an insert or a prefetch hashes twice, once to pick the shard (absl has no
// prefetch(key, hash); keys that carry their hash, like HashedId, make the second one free). The top kBits bits pick
// the shard, which absl's probing (bits 7 and up, as many as log2(capacity)) and control bytes
// (bits 0-6) do not use until a shard holds 2^(57-kBits) entries.
template <typename Table, int kBits = 8>
class Sharded {
 public:
  using hasher = typename Table::hasher;
  using value_type = typename Table::value_type;
  static constexpr size_t kShards = size_t{1} << kBits;

  template <typename K>
  static size_t Hash(const K& key) {
    return hasher()(key);
  }
  template <typename K>
  Table& ShardOf(const K& key) {
    return shards_[Index(Hash(key))];
  }

  // The element equal to `key`, or nullptr.
  // (A set's elements are const.)
  template <typename K>
  auto find(const K& key) {
    const size_t h = Hash(key);
    Table& t = shards_[Index(h)];
    auto it = t.find(key, h);
    return it == t.end() ? nullptr : &*it;
  }
  template <typename K>
  auto find(const K& key) const {
    const size_t h = Hash(key);
    const Table& t = shards_[Index(h)];
    auto it = t.find(key, h);
    return it == t.end() ? nullptr : &*it;
  }
  template <typename K>
  bool contains(const K& key) const {
    return find(key) != nullptr;
  }
  template <typename K>
  void prefetch(const K& key) const {
    shards_[Index(Hash(key))].prefetch(key);
  }
  template <typename V>
  auto insert(V&& value) {
    Table& t = ShardOf(value);
    const size_t capacity = t.capacity();
    auto result = t.insert(std::forward<V>(value));
    rehashes_ += t.capacity() != capacity;
    return result;
  }
  // Maps only: inserts {key, value} unless `key` is present; as the table's emplace.
  template <typename K, typename V>
  auto emplace(const K& key, V&& value) {
    Table& t = ShardOf(key);
    const size_t capacity = t.capacity();
    auto result = t.emplace(key, std::forward<V>(value));
    rehashes_ += t.capacity() != capacity;
    return result;
  }
  // Maps only: the value of `key`, default-constructed when absent.
  template <typename K>
  auto& operator[](const K& key) {
    Table& t = ShardOf(key);
    const size_t capacity = t.capacity();
    auto& value = t[key];
    rehashes_ += t.capacity() != capacity;
    return value;
  }
  template <typename K>
  size_t erase(const K& key) {
    return ShardOf(key).erase(key);
  }

  size_t size() const {
    size_t n = 0;
    for (const Table& t : shards_) n += t.size();
    return n;
  }
  // Room for `n` elements in all without a rehash, give or take the hash's unevenness: each
  // shard gets n/kShards plus 1/64 of that plus 16, which is 15 standard deviations of a
  // shard's count at a million per shard, 1 at a thousand (a small shard rehashes cheaply).
  void reserve(size_t n) {
    const size_t each = n / kShards;
    for (Table& t : shards_) t.reserve(each + each / 64 + 16);
    ++rehashes_;
  }
  // How many times insert, operator[] or reserve may have rehashed a shard. A pointer
  // to an element stays valid while this is unchanged, until that element is erased.
  size_t rehashes() const { return rehashes_; }
  // Calls fn(element) for every element, shard by shard (no particular order).
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (const Table& t : shards_) {
      for (const value_type& v : t) fn(v);
    }
  }
  template <typename Fn>
  void ForEach(Fn fn) {
    for (Table& t : shards_) {
      for (auto& v : t) fn(v);
    }
  }

 private:
  static size_t Index(size_t hash) { return hash >> (8 * sizeof(size_t) - kBits); }
  std::array<Table, kShards> shards_;
  size_t rehashes_ = 0;
};

}  // namespace graph_internal
}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_SHARDED_TABLE_H_
