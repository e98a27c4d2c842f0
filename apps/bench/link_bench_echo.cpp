// The echo protocol's count reply, and the server's echo actor for the link
// and CAF BASP paths (the raw path's echo is in link_bench_raw.cpp).
#include "apps/bench/link_bench.hpp"

#include "actors/node/node_api.hpp"

#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>

#include <cstring>
#include <memory>
#include <utility>

namespace mosaik::bench {

std::vector<std::uint8_t> count_reply(std::uint64_t count) {
  std::vector<std::uint8_t> out(1 + sizeof(count), 'C');
  std::memcpy(out.data() + 1, &count, sizeof(count));
  return out;
}

std::optional<std::uint64_t> read_count_reply(const std::uint8_t* data, std::size_t size) {
  std::uint64_t count = 0;
  if (size != 1 + sizeof(count) || data[0] != 'C')
    return std::nullopt;
  std::memcpy(&count, data + 1, sizeof(count));
  return count;
}

caf::behavior echo(caf::event_based_actor* self, ::mosaik::node::node_handle node) {
  // One count per path: the client never mixes them, but a lost end mark on
  // one path must not spoil the other's figures.
  auto link_count = std::make_shared<std::uint64_t>(0);
  auto basp_count = std::make_shared<std::uint64_t>(0);
  auto take = [](std::uint64_t& count) { return std::exchange(count, 0); };
  return {
    [=](node::frame_received& f) {
      if (f.payload.empty())
        return;
      if (f.payload[0] == through) {
        ++*link_count;
        return;
      }
      auto answer = f.payload[0] == ping ? std::move(f.payload) : count_reply(take(*link_count));
      self->send(node, node::send_frame{f.from, f.kind, f.channel, std::move(answer)});
    },
    [=](std::vector<char>& p) -> std::vector<char> {
      if (!p.empty() && p[0] == ping)
        return std::move(p);
      auto reply = count_reply(take(*basp_count));
      return {reply.begin(), reply.end()};
    },
    // One-way BASP messages carry an atom so they never expect a reply.
    [=](caf::atom_value, std::vector<char>&) { ++*basp_count; },
  };
}

} // namespace mosaik::bench
