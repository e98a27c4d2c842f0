# Streams (FEATURES.md 5): what a consumer and a producer of one stream say to
# each other (actors/core/streams/messages.hpp); schemas/codec/streams_codec
# converts them. One StreamMessage is the payload of a frame of kind `stream`
# whose channel is the 32-byte stream id. Ordinals are never reused.
@0xaadc167b264ea6be;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

using Ids = import "ids.capnp";

# Which datums the consumer wants; empty: all of them (the only kind yet).
struct Criteria {}

struct Subscribe {
  subscription @0 :UInt64;   # drawn by the consumer, fresh for every attempt
  network @1 :Ids.Id;        # 32-byte network id the consumer runs in
  stream @2 :Ids.Id;         # 32-byte id of the stream it wants
  criteria @3 :Criteria;     # which datums; all for now
  initialCredit @4 :UInt64;  # datums the producer may send before a Credit
  countsBytes @5 :Bool;      # the consumer counts credit in payload bytes too
                             # (false: an older consumer, datums only)
  initialCreditBytes @6 :UInt64;  # with countsBytes: bytes the producer may send before a Credit
}

struct Accepted {
  subscription @0 :UInt64;
  epoch @1 :UInt64;          # the producer's incarnation
  nextSeq @2 :UInt64;        # sequence number of the fan-out's next datum, at least 1
}

struct Batch {
  subscription @0 :UInt64;
  firstSeq @1 :UInt64;       # sequence number of datums[0], at least 1
  datums @2 :List(Data);     # consecutive encoded datums; 1..4096, each at most 8 MiB
}

struct Credit {
  subscription @0 :UInt64;
  datums @1 :UInt64;         # more datums the producer may send, at least 1
  bytes @2 :UInt64;          # more payload bytes (for a consumer that counts them);
                             # a datum goes while the byte credit is positive
}

struct Close {
  subscription @0 :UInt64;
  code @1 :UInt32;           # a known streams::close_code (FEATURES 13.1)
  detail @2 :Text;           # human-readable context, at most 1024 bytes
}

struct StreamMessage {
  union {
    subscribe @0 :Subscribe;      # consumer -> producer, first
    accepted @1 :Accepted;        # producer -> consumer: the subscription is up
    batch @2 :Batch;              # producer -> consumer, within the credit
    credit @3 :Credit;            # consumer -> producer, as the application consumes
    close @4 :Close;              # producer -> consumer: refused or ended
    unsubscribe @5 :Close;        # consumer -> producer: ended
  }
}
