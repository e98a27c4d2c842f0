# Peer hints: when a link comes up, each side tells the other where its other
# linked peers listen, so a node that bootstrapped from one peer links to the
# rest (the payload of a peers frame). Receivers dial unknown entries; the
# handshake still authenticates every one of them.
@0xd1f9343b9f6e9250;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

using Ids = import "ids.capnp";

struct PeerHint {
  peerId @0 :Ids.Id;         # the peer's Ed25519 public key
  address @1 :Ids.Endpoint;  # where it accepts links
}

struct PeerHints {
  peers @0 :List(PeerHint);  # at most 256 entries
}
