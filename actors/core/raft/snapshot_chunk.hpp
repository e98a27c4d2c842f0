#pragma once
// One piece of a stored state-machine snapshot, tagged with the snapshot it
// belongs to so a chunk of an older snapshot is never mistaken for a newer
// one. Stored by persistence/, encoded by schemas/codec/storage_codec.

#include "actors/core/bytes.hpp"
#include "actors/core/raft/types.hpp"

#include <cstdint>

namespace mosaik::raft {

struct snapshot_chunk {
  index_t snapshot_index = 0;
  term_t snapshot_term = 0;
  std::uint64_t number = 0; // position in the snapshot, from 0
  bytes data;

  friend bool operator==(const snapshot_chunk&, const snapshot_chunk&) = default;
};

} // namespace mosaik::raft
