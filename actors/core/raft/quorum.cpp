#include "actors/core/raft/quorum.hpp"

#include <algorithm>
#include <functional>

namespace mosaik::raft {

std::uint64_t quorum_value(std::vector<std::uint64_t> values) {
  if (values.empty())
    return 0;
  auto k = majority(values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end(),
                   std::greater<>{});
  return values[k];
}

vote_result tally(std::size_t voters, std::size_t granted, std::size_t rejected) {
  if (voters == 0)
    return vote_result::lost;
  if (granted >= majority(voters))
    return vote_result::won;
  if (rejected > voters - majority(voters))
    return vote_result::lost;
  return vote_result::pending;
}

} // namespace mosaik::raft
