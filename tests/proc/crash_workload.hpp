#pragma once
// What the storage crash test's child writes, so the parent can check every
// entry it finds: entry i appended by generation g has term g and data
// payload(i, g); both groups get the same entries and hard state in one
// group commit.

#include "actors/core/ids/ids.hpp"
#include "actors/core/raft/types.hpp"

#include <array>

namespace mosaik::test::crash {

inline const std::array<group_id, 2> groups{group_id::from("crash-a"), group_id::from("crash-b")};

inline bytes payload(raft::index_t i, raft::term_t g) {
  bytes data(1 + (i * 7) % 300);
  for (std::size_t k = 0; k < data.size(); ++k)
    data[k] = static_cast<std::uint8_t>(i * 31 + g * 17 + k);
  return data;
}

} // namespace mosaik::test::crash
