#pragma once
// Majority arithmetic over a configuration's voters (§5.2, §5.3). Quorum is
// always a majority of the configured voters, whoever is connected.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mosaik::raft {

constexpr std::size_t majority(std::size_t voters) {
  return voters / 2 + 1;
}

/// The largest v such that a majority of `values` (one per voter) are >= v;
/// 0 for no voters. Used for the commit index and for ReadIndex rounds.
std::uint64_t quorum_value(std::vector<std::uint64_t> values);

enum class vote_result : std::uint8_t { pending, won, lost };

/// Outcome of an election among `voters` voters with these answers so far.
vote_result tally(std::size_t voters, std::size_t granted, std::size_t rejected);

} // namespace mosaik::raft
