// libFuzzer target: the Raft wire codec (messages, entries, snapshot
// metadata). Whatever decodes must survive our own encoder unchanged; a
// decoded batch of forwards or answers holds 1 to raft::max_batch items,
// each of which also travels alone unchanged.
#include "schemas/codec/raft_codec.hpp"

#include "tests/fuzz/round_trip.hpp"

#include <cstdlib>

namespace {

using namespace mosaik;

template <class Item>
void check_batch(const raft::message& m, const std::vector<Item>& items) {
  if (items.empty() || items.size() > raft::max_batch)
    std::abort();
  for (const auto& item : items) {
    raft::message single{m.from, m.to, m.term, m.lineage, item};
    auto again = codec::decode_raft_message(codec::encode_raft_message(single));
    if (!again || !(*again == single))
      std::abort();
  }
}

void check_batches(const expected<raft::message, codec::decode_error>& m) {
  if (!m)
    return;
  if (auto* b = std::get_if<raft::forward_proposal_batch>(&m->body))
    check_batch(*m, b->proposals);
  if (auto* b = std::get_if<raft::proposal_response_batch>(&m->body))
    check_batch(*m, b->responses);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using fuzz::round_trip;
  byte_view input{data, size};
  auto decode_message = [](byte_view b) { return codec::decode_raft_message(b); };
  auto decode_entry = [](byte_view b) { return codec::decode_entry(b); };
  auto decode_meta = [](byte_view b) { return codec::decode_snapshot_metadata(b); };
  auto message = decode_message(input);
  round_trip(message, codec::encode_raft_message, decode_message);
  check_batches(message);
  round_trip(decode_entry(input), codec::encode_entry, decode_entry);
  round_trip(decode_meta(input), codec::encode_snapshot_metadata, decode_meta);
  return 0;
}
