# The link handshake between two nodes (DESIGN section 4). Each side sends a
# Hello, then a Proof signing the transcript of both Hellos; a Close ends a
# link with a typed reason.
@0x925cff6b49a0e16a;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

using Ids = import "ids.capnp";

# What the connecting side is.
enum Role {
  node @0;    # a full node that wants a link
  client @1;  # a tool (e.g. `mosaik status`) that only asks questions
}

struct Hello {
  networkId @0 :Ids.Id;          # 32-byte network id; must equal ours
  peerId @1 :Ids.Id;             # 32-byte Ed25519 public key of the sender
  protocolVersion @2 :UInt32;    # link protocol version of the sender
  listenAddress @3 :Ids.Endpoint; # where the sender accepts links
  nonce @4 :Data;                # 32 fresh random bytes, never reused
  role @5 :Role;                 # node or client
  kxPublic @6 :Data;             # 32-byte ephemeral X25519 public key (libsodium crypto_kx)
  ciphers @7 :UInt8;             # mask of the AEAD ciphers the sender runs (1 ChaCha20-Poly1305, 2 AES-256-GCM)
}

struct Proof {
  signature @0 :Data;  # 64-byte Ed25519 signature of the handshake transcript
}

# Why a link was closed or refused. Ordinals are never reused.
enum CloseReason {
  unspecified @0;       # no reason given (an old or confused peer)
  differentNetwork @1;  # the peer's network id is not ours
  invalidSignature @2;  # the proof does not verify against the peer id
  staleProof @3;        # the proof replays an old nonce or transcript
  versionMismatch @4;   # no protocol version in common
  handshakeTimeout @5;  # the handshake did not finish in time
  selfConnection @6;    # the peer id is our own
  alreadyConnected @7;  # a link to this peer exists (tie-break lost)
  departing @8;         # the peer is shutting down gracefully
  protocolViolation @9; # garbage, oversized or unknown frames
  heartbeatTimeout @10; # the link stayed silent past its budget
  banned @11;           # the peer is refused for a while after misbehaving
  connectionLost @12;   # the transport connection broke (reported locally)
  unexpectedPeer @13;   # the peer id is not the one that was dialled
  released @14;         # no subsystem needs the link any more; do not re-dial
  tooSlow @15;          # the peer did not read: our send buffer for it passed its cap
}

struct Close {
  reason @0 :CloseReason;  # typed reason, logged and counted on both sides
  detail @1 :Text;         # human-readable detail, at most 1 KiB
}
