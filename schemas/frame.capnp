# The envelope of everything that crosses a link after the handshake. The
# payload is an encoded message of the schema that `kind` names.
@0xe4ef9547b77362a5;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

enum FrameKind {
  hello @0;         # link.capnp Hello
  proof @1;         # link.capnp Proof
  close @2;         # link.capnp Close
  heartbeat @3;     # empty payload; answered by heartbeatAck
  heartbeatAck @4;  # the acknowledged heartbeat's sequence, 8 bytes big-endian
  discovery @5;     # discovery protocol message
  stream @6;        # stream subscription or datum
  group @7;         # group bond / Raft message
  sync @8;          # state-sync provider/session message
  status @9;        # status.capnp: empty request from a client, Status reply
  peers @10;        # peers.capnp PeerHints: where the sender's other peers listen
  credit @11;       # flow control: 8 bytes big-endian, more bytes of data frames the sender may send
}

struct Frame {
  kind @0 :FrameKind;   # which schema the payload holds
  sequence @1 :UInt64;  # per-link sender sequence number, starting at 1
  payload @2 :Data;     # the encoded inner message
  channel @3 :Data;     # empty, or the 32-byte group or stream id the frame is for:
                        # the receiver routes on (kind, channel) without decoding the payload
}
