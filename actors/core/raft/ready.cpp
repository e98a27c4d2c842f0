#include "actors/core/raft/ready.hpp"

namespace mosaik::raft {

std::string_view to_string(role r) {
  switch (r) {
    case role::follower: return "follower";
    case role::pre_candidate: return "pre_candidate";
    case role::candidate: return "candidate";
    case role::leader: return "leader";
  }
  return "?";
}

std::string_view to_string(proposal_outcome o) {
  switch (o) {
    case proposal_outcome::accepted: return "accepted";
    case proposal_outcome::committed: return "committed";
    case proposal_outcome::no_leader: return "no_leader";
    case proposal_outcome::dropped: return "dropped";
    case proposal_outcome::leader_changed: return "leader_changed";
    case proposal_outcome::unknown: return "unknown";
  }
  return "?";
}

std::string_view to_string(read_outcome o) {
  switch (o) {
    case read_outcome::ready: return "ready";
    case read_outcome::no_leader: return "no_leader";
    case read_outcome::dropped: return "dropped";
    case read_outcome::timeout: return "timeout";
  }
  return "?";
}

std::string_view to_string(snapshot_install s) {
  switch (s) {
    case snapshot_install::refused: return "refused";
    case snapshot_install::advanced_commit: return "advanced_commit";
    case snapshot_install::restored: return "restored";
  }
  return "?";
}

bool ready::empty() const {
  return !soft && !snapshot && entries.empty() && !hard && !config && messages.empty()
         && committed_entries.empty() && reads.empty() && proposals.empty() && !snapshot_needed
         && errors.empty();
}

} // namespace mosaik::raft
