# The Raft core's messages and log entries (actors/core/raft/message.hpp and
# types.hpp); schemas/codec/raft_codec converts them. Ordinals are never
# reused.
@0xa99cf45fb0dc4004;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

using Ids = import "ids.capnp";

enum EntryType {
  command @0;       # an opaque state-machine command
  noop @1;          # appended by each new leader at the start of its term
  configChange @2;  # data holds one membership change (fixed layout, see config_change.hpp)
}

struct Entry {
  index @0 :UInt64;    # position in the log, from 1
  term @1 :UInt64;     # term of the leader that appended it
  type @2 :EntryType;  # what data holds
  data @3 :Data;       # the command or change; empty for noop
}

struct Configuration {
  voters @0 :List(Ids.Id);    # 32-byte peer ids, sorted ascending, no duplicates
  learners @1 :List(Ids.Id);  # 32-byte peer ids, sorted, disjoint from voters
  lineage @2 :Ids.Id;         # 32-byte hash of the group's first entry; zeros if none
}

struct SnapshotMetadata {
  index @0 :UInt64;              # last index the snapshot covers
  term @1 :UInt64;               # term of that entry
  config @2 :Configuration;      # configuration in force at index
}

struct AppendRequest {
  prevIndex @0 :UInt64;       # index of the entry before the first one sent
  prevTerm @1 :UInt64;        # its term
  entries @2 :List(Entry);    # consecutive entries from prevIndex + 1
  commit @3 :UInt64;          # the leader's commit index
}

struct AppendResponse {
  index @0 :UInt64;    # last matching index, or the rejected prevIndex
  reject @1 :Bool;     # the logs differ at index
  hint @2 :UInt64;     # on reject: the follower's last index
  observer @3 :Bool;   # the sender is an observer (never promoted)
}

struct HeartbeatRequest {
  commit @0 :UInt64;   # commit index, never beyond the follower's match
  readSeq @1 :UInt64;  # ReadIndex round being confirmed
}

struct HeartbeatResponse {
  readSeq @0 :UInt64;  # the round echoed back
  observer @1 :Bool;   # the sender is an observer
}

struct VoteRequest {
  preVote @0 :Bool;     # a pre-vote: nobody changes term or records a vote
  lastIndex @1 :UInt64; # candidate's last log index
  lastTerm @2 :UInt64;  # candidate's last log term
}

struct VoteResponse {
  preVote @0 :Bool;     # answers a pre-vote
  granted @1 :Bool;     # the vote is given
}

struct SnapshotRequest {
  meta @0 :SnapshotMetadata;  # install the state at this position via state sync
}

struct ForwardProposal {
  id @0 :UInt64;     # the follower's proposal id, echoed in the answer
  term @1 :UInt64;   # the leader term it is meant for; only that leader appends it
  command @2 :Data;  # the command to append
}

enum ForwardAnswer {
  accepted @0;   # appended at (index, term)
  notLeader @1;  # definite: the receiver never led that term
  unknown @2;    # the receiver may have appended it while it led that term
}

struct ProposalResponse {
  id @0 :UInt64;             # the proposal answered
  answer @1 :ForwardAnswer;  # what became of it
  index @2 :UInt64;          # assigned index when accepted
  term @3 :UInt64;           # assigned term when accepted
}

struct ForwardRead {
  id @0 :UInt64;  # the follower's read id, echoed in the answer
}

struct ReadResponse {
  id @0 :UInt64;     # the read answered
  ok @1 :Bool;       # false: the receiver is not (or no longer) the leader
  index @2 :UInt64;  # the confirmed read index when ok
}

struct RaftMessage {
  from @0 :Ids.Id;     # 32-byte sender peer id
  to @1 :Ids.Id;       # 32-byte recipient peer id
  term @2 :UInt64;     # sender's term; 0 on forwarded proposals and reads
  lineage @3 :Ids.Id;  # sender's group lineage; zeros if it has none
  body :union {
    append @4 :AppendRequest;                 # leader -> follower
    appendResponse @5 :AppendResponse;        # follower -> leader
    heartbeat @6 :HeartbeatRequest;           # leader -> follower
    heartbeatResponse @7 :HeartbeatResponse;  # follower -> leader
    vote @8 :VoteRequest;                     # candidate -> voter
    voteResponse @9 :VoteResponse;            # voter -> candidate
    snapshot @10 :SnapshotRequest;            # leader -> lagging follower
    forwardProposal @11 :ForwardProposal;     # follower -> leader
    proposalResponse @12 :ProposalResponse;   # leader -> follower
    forwardRead @13 :ForwardRead;             # follower -> leader
    readResponse @14 :ReadResponse;           # leader -> follower
    forwardProposals @15 :List(ForwardProposal);    # follower -> leader: 1 to 4096,
                                                    # received as each in turn
    proposalResponses @16 :List(ProposalResponse);  # leader -> follower: likewise
  }
}
