# What `mosaik status` asks a node and what the node answers: the payload of
# a status frame (request: empty payload; reply: Status).
@0xf71606e12dff2f8c;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

using Ids = import "ids.capnp";

struct PeerStatus {
  peerId @0 :Ids.Id;          # the linked peer's Ed25519 public key
  address @1 :Ids.Endpoint;   # where the peer listens (from its hello)
  rttUs @2 :UInt64;           # smoothed round-trip time in microseconds (0 = no sample yet)
  state @3 :Text;             # link state, e.g. "up"
}

struct Counter {
  name @0 :Text;    # metric name with its labels, e.g. mosaik.network.link.closes.sent{reason="banned"}
  value @1 :UInt64; # a counter's value since start, or a gauge's current value (rounded, negatives as 0)
}

struct CatalogEntry {
  peerId @0 :Ids.Id;                # the peer's Ed25519 public key
  tags @1 :List(Ids.Id);            # the tags its entry advertises
  versionStartMs @2 :Int64;         # its entry version: when its process started (Unix ms)
  versionUpdateMs @3 :Int64;        # and when its entry last changed (Unix ms)
  ageMs @4 :UInt64;                 # how long ago its newest version reached the node
  addresses @5 :List(Ids.Endpoint); # where it says it listens
  signed @6 :Bool;                  # gossiped and signed (false: inserted locally)
  rttUs @7 :UInt64;                 # smoothed RTT measured by the node (0 = no sample)
}

struct GroupStatus {
  groupId @0 :Ids.Id;        # the group's id
  role @1 :Text;             # "leader", "follower", "candidate", "pre_candidate" or "observer"
  leader @2 :Ids.Id;         # the leader's peer id as this node knows it (empty = none known)
  term @3 :UInt64;           # the node's current term in the group
  commit @4 :UInt64;         # the highest log index known committed
  applied @5 :UInt64;        # the highest log index applied to the state machine
  lastIndex @6 :UInt64;      # the last index of the node's log
  online @7 :Bool;           # whether the group serves commands and strong reads
  bonds @8 :List(Ids.Id);    # peers bonded with in the group, sorted, unique
}

struct StreamChannelStatus {
  peer @0 :Ids.Id;      # the peer at the channel's other end
  state @1 :Text;       # "connecting", "connected" or "waiting"
  datums @2 :UInt64;    # datums the channel carried
  bytes @3 :UInt64;     # their payload bytes
}

struct StreamStatus {
  streamId @0 :Ids.Id;                     # the stream's id
  producer @1 :Bool;                       # a producer (else a consumer)
  online @2 :Bool;                         # its online condition holds
  channels @3 :List(StreamChannelStatus);  # its subscriptions, by peer
}

struct Status {
  peerId @0 :Ids.Id;                # the node's peer id
  networkId @1 :Ids.Id;             # the network it belongs to
  listenAddress @2 :Ids.Endpoint;   # where it accepts links
  uptimeMs @3 :UInt64;              # milliseconds since the node started
  peers @4 :List(PeerStatus);       # links that passed the handshake
  counters @5 :List(Counter);       # the node's metrics (the network label aside), by name
  tags @6 :List(Ids.Id);            # the node's tags
  catalog @7 :List(CatalogEntry);   # the node's discovery catalog, without itself
  groups @8 :List(GroupStatus);     # the consensus groups the node runs, by group id
  streams @9 :List(StreamStatus);   # its producers, then its consumers, each by stream id
}
