# Discovery (FEATURES.md 4): signed peer entries, epidemic announcements,
# graceful departures and incremental catalog sync. One DiscoveryMessage is
# the payload of a frame of kind `discovery`. Signatures cover canonical bytes
# built by actors/core/discovery (not this encoding), so re-encoding never
# breaks them.
@0xe44e07658b1dd0b5;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

using Ids = import "ids.capnp";

struct EntryVersion {
  startMs @0 :Int64;   # Unix ms when the peer's process started (identifies the run)
  updateMs @1 :Int64;  # Unix ms of its last change or heartbeat; increases within a run
}

struct Ticket {
  ticketClass @0 :Ids.Id;  # 32-byte id of the credential scheme
  data @1 :Data;           # opaque credential bytes (bounded by the receiver's limits)
}

struct PeerEntry {
  protocol @0 :Text;                 # implementation version, e.g. "mosaik-cpp/0.1.0"
  networkId @1 :Ids.Id;              # 32-byte network id the entry is valid in
  peerId @2 :Ids.Id;                 # 32-byte Ed25519 public key of the peer
  version @3 :EntryVersion;          # (start, update); newer replaces older
  addresses @4 :List(Ids.Endpoint);  # where the peer accepts links; no duplicates
  tags @5 :List(Ids.Id);             # 32-byte tag ids; no duplicates
  streams @6 :List(Ids.Id);          # 32-byte ids of the streams it produces; no duplicates
  groups @7 :List(Ids.Id);           # 32-byte ids of the groups it has joined; no duplicates
  tickets @8 :List(Ticket);          # credentials; no duplicates (keyed by class and data)
}

struct SignedPeerEntry {
  entry @0 :PeerEntry;  # the advertised entry
  signature @1 :Data;   # 64-byte Ed25519 signature by entry.peerId over the entry's content digest
}

struct Departure {
  networkId @0 :Ids.Id;           # 32-byte network id the departure is valid in
  peerId @1 :Ids.Id;              # 32-byte id of the leaving peer
  lastVersion @2 :EntryVersion;   # its last entry version; covers every version up to it
  timestampMs @3 :Int64;          # Unix ms when it left
  signature @4 :Data;             # 64-byte Ed25519 signature by peerId over the departure digest
}

struct Announce {
  entries @0 :List(SignedPeerEntry);  # the sender's own entry or entries it forwards once
}

struct SummaryItem {
  peerId @0 :Ids.Id;          # 32-byte id of a peer the requester holds
  version @1 :EntryVersion;   # the version it holds
}

struct SyncRequest {
  requestId @0 :UInt64;             # echoed by every chunk of the answer
  summary @1 :List(SummaryItem);    # what the requester holds, itself included
}

struct AgedEntry {
  entry @0 :SignedPeerEntry;  # an entry the requester lacks or holds older
  ageMs @1 :UInt64;           # how long ago the sender received it, on its own clock
}

struct AgedDeparture {
  departure @0 :Departure;  # a departure covering a version the requester listed
  ageMs @1 :UInt64;         # how long ago the sender received it, on its own clock
}

struct SyncChunk {
  requestId @0 :UInt64;                  # the request this chunk answers
  entries @1 :List(AgedEntry);           # bounded by the receiver's chunk limit
  departures @2 :List(AgedDeparture);    # bounded by the receiver's chunk limit
  last @3 :Bool;                         # true on the final chunk of the answer
}

struct DiscoveryMessage {
  union {
    announce @0 :Announce;        # epidemic push
    departure @1 :Departure;      # graceful departure, forwarded once
    syncRequest @2 :SyncRequest;  # sent by both sides when a link comes up
    syncChunk @3 :SyncChunk;      # one piece of a sync answer
  }
}
