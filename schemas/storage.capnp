# Records of the durable Raft storage (persistence/, DESIGN section 7). Each
# record carries a CRC32C of its fields (schemas/codec/crc32c.hpp says why
# CRC32C); a reader recomputes it and refuses the record on mismatch, so
# damaged data is reported as corruption and never served. Names start with
# Stored: these are disk records, distinct from the Raft wire messages.
@0xd7a365c82b922ea8;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

using Ids = import "ids.capnp";

# What a log entry holds (actors/core/raft/types.hpp entry_type).
enum StoredEntryType {
  command @0;       # an opaque state-machine command
  noop @1;          # appended by each new leader at the start of its term
  configChange @2;  # data holds an encoded configuration change
}

# One Raft log entry; the value of the log database at key index.
struct StoredEntry {
  index @0 :UInt64;      # position in the log; equals the record's key
  term @1 :UInt64;       # term of the leader that created the entry
  type @2 :StoredEntryType; # how to interpret data
  data @3 :Data;         # the entry's payload
  checksum @4 :UInt32;   # CRC32C of index, term, type and data
}

# Term, vote and commit index: what must be durable before a vote or an ack.
struct StoredHardState {
  term @0 :UInt64;       # the latest term this node has seen
  vote @1 :Ids.Id;       # peer id voted for in term; empty when no vote
  commit @2 :UInt64;     # highest index known to be committed
  checksum @3 :UInt32;   # CRC32C of term, vote and commit
}

# Group membership. Both lists sorted, without duplicates, disjoint.
struct StoredConfiguration {
  voters @0 :List(Ids.Id);    # peer ids that vote and may lead
  learners @1 :List(Ids.Id);  # peer ids that only replicate
  checksum @2 :UInt32;        # CRC32C of voters, learners and lineage
  lineage @3 :Ids.Id;         # 32 bytes: hash of the group's first entry, zero until known
}

# The position a snapshot covers: the log's anchor after compaction.
struct StoredSnapshotMetadata {
  index @0 :UInt64;            # last log index the snapshot contains
  term @1 :UInt64;             # term of the entry at index
  config @2 :StoredConfiguration; # configuration in force at index (own checksum)
  checksum @3 :UInt32;         # CRC32C of index, term and the configuration
}

# One piece of a stored state-machine snapshot.
struct StoredSnapshotChunk {
  snapshotIndex @0 :UInt64;  # index of the snapshot the chunk belongs to
  snapshotTerm @1 :UInt64;   # term of that snapshot
  number @2 :UInt64;         # position of the chunk, from 0
  data @3 :Data;             # the chunk's bytes
  checksum @4 :UInt32;       # CRC32C of snapshotIndex, snapshotTerm, number and data
}
