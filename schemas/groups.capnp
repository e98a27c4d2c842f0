# Groups (FEATURES.md 6 and 7.2): what two members of a group say to each
# other (actors/core/groups/messages.hpp); schemas/codec/groups_codec converts
# them. One BondMessage is the payload of a frame of kind `group`, one
# SyncMessage of a frame of kind `sync`, both on the group's channel. Ordinals
# are never reused.
@0x9539e43b6435d07f;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

using Ids = import "ids.capnp";
using Raft = import "raft.capnp";

struct BondHello {
  network @0 :Ids.Id;       # 32-byte network id the initiator runs in
  group @1 :Ids.Id;         # 32-byte id of the group it wants to bond in
  proof @2 :Ids.Id;         # 32-byte proof of the group key, bound to this link and sender
  lineage @3 :Ids.Id;       # 32-byte group lineage of the sender; zeros if it holds none
  bonded @4 :List(Ids.Id);  # 32-byte peer ids it is bonded with in the group; no duplicates
  observer @5 :Bool;        # the sender is an observer: it never votes or leads
  reluctant @6 :Bool;       # the sender leads only when no normal member can; never with observer
}

struct BondWelcome {
  proof @0 :Ids.Id;         # 32-byte proof of the group key, bound to this link and sender
  lineage @1 :Ids.Id;       # 32-byte group lineage of the sender; zeros if it holds none
  bonded @2 :List(Ids.Id);  # 32-byte peer ids it is bonded with in the group; no duplicates
  observer @3 :Bool;        # the sender is an observer: it never votes or leads
  reluctant @4 :Bool;       # the sender leads only when no normal member can; never with observer
}

struct BondClose {
  reason @0 :UInt16;  # a known groups::bond_close_reason code (FEATURES 13.1)
  detail @1 :Text;    # human-readable context, bounded by the receiver
}

struct BondFormed {
  peer @0 :Ids.Id;  # 32-byte id of the peer the sender just bonded with
}

struct BondMessage {
  union {
    hello @0 :BondHello;          # initiator -> acceptor, first on a bond
    welcome @1 :BondWelcome;      # acceptor -> initiator: the bond is up
    close @2 :BondClose;          # either side: refused or ended
    ping @3 :Void;                # liveness when nothing else flows
    pong @4 :Void;                # answers a ping
    departure @5 :Void;           # the sender leaves the group for good
    bondFormed @6 :BondFormed;    # mesh completion: bond with this peer too
    raft @7 :Raft.RaftMessage;    # a Raft message of the group, sent by the bond's peer
  }
}

struct IndexRange {
  first @0 :UInt64;  # first index, at least 1
  last @1 :UInt64;   # last index, inclusive; first - 1 when the range is empty
}

struct AvailabilityResponse {
  range @0 :IndexRange;  # the committed entries the sender holds
}

struct FetchRequest {
  range @0 :IndexRange;  # the entries asked for
}

struct FetchResponse {
  range @0 :IndexRange;              # the entries sent; empty when none are there
  entries @1 :List(Raft.Entry);      # consecutive, exactly covering range; bounded
}

struct SyncMessage {
  union {
    availabilityRequest @0 :Void;                    # lagging follower -> every bonded peer
    availabilityResponse @1 :AvailabilityResponse;   # peer -> lagging follower
    fetchRequest @2 :FetchRequest;                   # lagging follower -> one peer
    fetchResponse @3 :FetchResponse;                 # that peer -> lagging follower
  }
}
