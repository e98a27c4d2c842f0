#pragma once
// Opens an outgoing TCP connection for a broker without blocking its
// multiplexer thread. CAF 0.17's add_tcp_scribe(host, port) connects
// synchronously on that thread, so one unreachable address (an entry that
// discovery learned, say) would stall every link of the node for the
// kernel's connect timeout. On the real multiplexer the socket connects in
// the background instead: its first write waits until it is connected, and a
// refusal arrives as connection_closed_msg. On the test multiplexer (which
// has no sockets) the simulated connect is used as it is.

#include <caf/expected.hpp>
#include <caf/io/abstract_broker.hpp>

#include <cstdint>
#include <string>

namespace mosaik::transport {

caf::expected<caf::io::connection_handle> connect_tcp(caf::io::abstract_broker* self,
                                                      const std::string& host, std::uint16_t port);

} // namespace mosaik::transport
