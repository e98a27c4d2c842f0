#pragma once
// The replicated state machine the simulator drives: a map of small integer
// keys to 64-bit values with write and compare-and-set. Commands carry the
// client operation id so a node can report the result of its own proposals.

#include "actors/core/bytes.hpp"

#include <cstdint>
#include <map>
#include <optional>

namespace mosaik::sim {

enum class kv_op : std::uint8_t { write = 0, cas = 1 };

struct kv_command {
  std::uint64_t op_id = 0;
  kv_op op = kv_op::write;
  std::uint32_t key = 0;
  std::uint64_t expected = 0; // cas only
  std::uint64_t value = 0;
  friend bool operator==(const kv_command&, const kv_command&) = default;
};

bytes encode(const kv_command& c);
std::optional<kv_command> decode_kv(byte_view data);

class kv_machine {
public:
  /// Applies `c`; false when a cas found another value (nothing changes).
  bool apply(const kv_command& c);
  /// 0 when the key was never written.
  std::uint64_t get(std::uint32_t key) const;
  /// A hash of the whole state, kept up to date incrementally.
  std::uint64_t state_hash() const { return hash_; }

private:
  void set(std::uint32_t key, std::uint64_t value);

  std::map<std::uint32_t, std::uint64_t> values_;
  std::uint64_t hash_ = 0;
};

} // namespace mosaik::sim
