# Identifiers and addresses shared by every protocol.
@0x95dc686463e6fd81;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("mosaik::schema");

# A 32-byte identifier (network, tag, stream, group, store or unique id) or an
# Ed25519 public key (peer id). Decoders reject any other length.
using Id = Data;

# A TCP endpoint a node listens on.
struct Endpoint {
  host @0 :Text;    # host name or IP literal, at most 255 bytes
  port @1 :UInt16;  # TCP port, never 0 once a node is listening
}
