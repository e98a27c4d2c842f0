#include "schemas/codec/storage_codec.hpp"

#include "schemas/codec/crc32c.hpp"
#include "schemas/codec/message_reader.hpp"
#include "schemas/storage.capnp.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <iterator>

namespace mosaik::codec {

namespace {

// The codec casts raft::entry_type to its schema twin: same values.
template <class A, class B>
constexpr bool same_value(A a, B b) {
  return static_cast<std::uint64_t>(a) == static_cast<std::uint64_t>(b);
}
static_assert(same_value(raft::entry_type::command, schema::StoredEntryType::COMMAND));
static_assert(same_value(raft::entry_type::noop, schema::StoredEntryType::NOOP));
static_assert(same_value(raft::entry_type::config_change, schema::StoredEntryType::CONFIG_CHANGE));

unexpected<decode_error> checksum_mismatch(std::string_view record) {
  return unexpected{decode_error{decode_errc::checksum_mismatch,
                                 std::string(record) + " checksum mismatch"}};
}

// Words of a message with one root struct of `struct_words` and `payload`
// bytes of Data: sizing the first segment avoids the builder's default 8 KiB
// zeroed allocation per record.
unsigned message_words(unsigned struct_words, std::size_t payload) {
  return static_cast<unsigned>(1 + struct_words + (payload + 7) / 8);
}

// -- checksums: what each record's CRC32C covers ---------------------------

std::uint32_t entry_checksum(raft::index_t index, raft::term_t term, std::uint8_t type,
                             byte_view data) {
  return crc32c{}.add_u64(index).add_u64(term).add_u8(type).add(data).value();
}

std::uint32_t hard_state_checksum(raft::term_t term, byte_view vote, raft::index_t commit) {
  return crc32c{}.add_u64(term).add_u32(static_cast<std::uint32_t>(vote.size())).add(vote)
    .add_u64(commit).value();
}

template <class Ids>
void add_ids(crc32c& crc, const Ids& ids) {
  crc.add_u32(static_cast<std::uint32_t>(ids.size()));
  for (const auto& id : ids)
    crc.add(id);
}

std::uint32_t configuration_checksum(const std::vector<byte_view>& voters,
                                     const std::vector<byte_view>& learners, byte_view lineage) {
  crc32c crc;
  add_ids(crc, voters);
  add_ids(crc, learners);
  crc.add(lineage);
  return crc.value();
}

std::vector<byte_view> views(const std::vector<peer_id>& ids) {
  std::vector<byte_view> out;
  out.reserve(ids.size());
  for (const auto& id : ids)
    out.push_back(id.view());
  return out;
}

std::uint32_t chunk_checksum(raft::index_t index, raft::term_t term, std::uint64_t number,
                             byte_view data) {
  return crc32c{}.add_u64(index).add_u64(term).add_u64(number).add(data).value();
}

// -- configuration, shared by its own record and snapshot metadata ---------

void build_configuration(schema::StoredConfiguration::Builder b, const raft::configuration& config) {
  auto voters = b.initVoters(static_cast<unsigned>(config.voters.size()));
  for (unsigned i = 0; i < config.voters.size(); ++i)
    voters.set(i, as_capnp(config.voters[i].view()));
  auto learners = b.initLearners(static_cast<unsigned>(config.learners.size()));
  for (unsigned i = 0; i < config.learners.size(); ++i)
    learners.set(i, as_capnp(config.learners[i].view()));
  b.setLineage(as_capnp(config.lineage.view()));
  b.setChecksum(
    configuration_checksum(views(config.voters), views(config.learners), config.lineage.view()));
}

expected<std::vector<peer_id>, decode_error>
read_ids(capnp::List<capnp::Data>::Reader list, std::string_view field) {
  std::vector<peer_id> out;
  out.reserve(list.size());
  for (auto raw : list) {
    auto id = peer_id::from_bytes(as_view(raw));
    if (!id)
      return bad_field("configuration." + std::string(field) + " holds an id that is not 32 bytes");
    out.push_back(*id);
  }
  return out;
}

expected<raft::configuration, decode_error> read_configuration(schema::StoredConfiguration::Reader r) {
  auto voters = read_ids(r.getVoters(), "voters");
  if (!voters)
    return unexpected{voters.error()};
  auto learners = read_ids(r.getLearners(), "learners");
  if (!learners)
    return unexpected{learners.error()};
  auto lineage = as_view(r.getLineage());
  if (configuration_checksum(views(*voters), views(*learners), lineage) != r.getChecksum())
    return checksum_mismatch("configuration");
  auto lineage_digest = digest::from_bytes(lineage);
  if (!lineage_digest)
    return bad_field("configuration.lineage must be 32 bytes");
  raft::configuration config{std::move(*voters), std::move(*learners), *lineage_digest};
  if (auto why = configuration_violation(config))
    return bad_field(*why);
  return config;
}

bool strictly_sorted(const std::vector<peer_id>& ids) {
  return std::adjacent_find(ids.begin(), ids.end(), std::greater_equal<>{}) == ids.end();
}

} // namespace

// -- entries ---------------------------------------------------------------

byte_view entry_encoder::encode(const raft::entry& e) {
  auto words = message_words(4, e.data.size());
  if (segment_.size() < words)
    segment_.resize(words, 0);
  // The builder writes zeros back over what it used when it is destroyed,
  // so the segment is ready for the next entry.
  capnp::MallocMessageBuilder builder(
    kj::arrayPtr(reinterpret_cast<capnp::word*>(segment_.data()), segment_.size()));
  auto root = builder.initRoot<schema::StoredEntry>();
  root.setIndex(e.index);
  root.setTerm(e.term);
  root.setType(static_cast<schema::StoredEntryType>(e.type));
  root.setData(as_capnp(e.data));
  root.setChecksum(entry_checksum(e.index, e.term, static_cast<std::uint8_t>(e.type), e.data));
  // The flat encoding of a one-segment message (what capnp::writeMessage
  // produces, without its stream plumbing): a segment table of two
  // little-endian u32 (segment count - 1 = 0, segment size in words), then
  // the segment. The first segment always fits: it was sized for the entry.
  auto segments = builder.getSegmentsForOutput();
  if (segments.size() != 1)
    return out_ = detail::to_bytes(builder);
  auto segment = segments[0].asBytes();
  out_.resize(sizeof(capnp::word) + segment.size());
  auto segment_words = static_cast<std::uint32_t>(segments[0].size());
  for (std::size_t i = 0; i < 4; ++i) {
    out_[i] = 0;
    out_[4 + i] = static_cast<std::uint8_t>(segment_words >> (8 * i));
  }
  std::memcpy(out_.data() + sizeof(capnp::word), segment.begin(), segment.size());
  return out_;
}

// The plain way, through capnp's own serialiser; tests hold entry_encoder to
// the same bytes.
bytes encode_stored_entry(const raft::entry& e) {
  capnp::MallocMessageBuilder builder(message_words(4, e.data.size()));
  auto root = builder.initRoot<schema::StoredEntry>();
  root.setIndex(e.index);
  root.setTerm(e.term);
  root.setType(static_cast<schema::StoredEntryType>(e.type));
  root.setData(as_capnp(e.data));
  root.setChecksum(entry_checksum(e.index, e.term, static_cast<std::uint8_t>(e.type), e.data));
  return detail::to_bytes(builder);
}

expected<raft::entry, decode_error> decode_stored_entry(byte_view data,
                                                        const decode_limits& limits) {
  using result = expected<raft::entry, decode_error>;
  return detail::read_message<schema::StoredEntry, raft::entry>(
    data, limits.max_bytes, limits, [](schema::StoredEntry::Reader r) -> result {
      auto raw_type = static_cast<std::uint16_t>(r.getType());
      if (raw_type > static_cast<std::uint16_t>(raft::entry_type::config_change))
        return unexpected{decode_error{decode_errc::unknown_kind,
                                       "entry type " + std::to_string(raw_type)}};
      auto payload = as_view(r.getData());
      if (entry_checksum(r.getIndex(), r.getTerm(), static_cast<std::uint8_t>(raw_type), payload)
          != r.getChecksum())
        return checksum_mismatch("entry");
      return raft::entry{r.getIndex(), r.getTerm(), static_cast<raft::entry_type>(raw_type),
                         bytes(payload.begin(), payload.end())};
    });
}

// -- hard state ------------------------------------------------------------

bytes encode_hard_state(const raft::hard_state& hs) {
  capnp::MallocMessageBuilder builder(message_words(4, peer_id::size));
  auto root = builder.initRoot<schema::StoredHardState>();
  byte_view vote = hs.vote ? hs.vote->view() : byte_view{};
  root.setTerm(hs.term);
  root.setVote(as_capnp(vote));
  root.setCommit(hs.commit);
  root.setChecksum(hard_state_checksum(hs.term, vote, hs.commit));
  return detail::to_bytes(builder);
}

expected<raft::hard_state, decode_error> decode_hard_state(byte_view data,
                                                           const decode_limits& limits) {
  using result = expected<raft::hard_state, decode_error>;
  return detail::read_message<schema::StoredHardState, raft::hard_state>(
    data, limits.max_control_bytes, limits, [](schema::StoredHardState::Reader r) -> result {
      auto vote = as_view(r.getVote());
      if (hard_state_checksum(r.getTerm(), vote, r.getCommit()) != r.getChecksum())
        return checksum_mismatch("hard state");
      raft::hard_state hs{r.getTerm(), std::nullopt, r.getCommit()};
      if (!vote.empty()) {
        hs.vote = peer_id::from_bytes(vote);
        if (!hs.vote)
          return bad_field("hardState.vote must be empty or 32 bytes");
      }
      return hs;
    });
}

// -- configuration ---------------------------------------------------------

bytes encode_configuration(const raft::configuration& config) {
  auto ids = config.voters.size() + config.learners.size();
  capnp::MallocMessageBuilder builder(
    message_words(static_cast<unsigned>(4 + ids), (ids + 1) * peer_id::size));
  build_configuration(builder.initRoot<schema::StoredConfiguration>(), config);
  return detail::to_bytes(builder);
}

expected<raft::configuration, decode_error> decode_configuration(byte_view data,
                                                                 const decode_limits& limits) {
  return detail::read_message<schema::StoredConfiguration, raft::configuration>(
    data, limits.max_bytes, limits, read_configuration);
}

std::optional<std::string> configuration_violation(const raft::configuration& config) {
  if (!strictly_sorted(config.voters))
    return "configuration.voters must be sorted without duplicates";
  if (!strictly_sorted(config.learners))
    return "configuration.learners must be sorted without duplicates";
  std::vector<peer_id> both;
  std::set_intersection(config.voters.begin(), config.voters.end(), config.learners.begin(),
                        config.learners.end(), std::back_inserter(both));
  if (!both.empty())
    return "configuration.voters and learners must be disjoint";
  return std::nullopt;
}

// -- snapshot metadata -----------------------------------------------------

namespace {

std::uint32_t metadata_checksum(raft::index_t index, raft::term_t term,
                                std::uint32_t config_checksum) {
  return crc32c{}.add_u64(index).add_u64(term).add_u32(config_checksum).value();
}

} // namespace

bytes encode_stored_snapshot_metadata(const raft::snapshot_metadata& meta) {
  auto ids = meta.config.voters.size() + meta.config.learners.size();
  capnp::MallocMessageBuilder builder(
    message_words(static_cast<unsigned>(8 + ids), (ids + 1) * peer_id::size));
  auto root = builder.initRoot<schema::StoredSnapshotMetadata>();
  root.setIndex(meta.index);
  root.setTerm(meta.term);
  build_configuration(root.initConfig(), meta.config);
  root.setChecksum(metadata_checksum(meta.index, meta.term, root.getConfig().getChecksum()));
  return detail::to_bytes(builder);
}

expected<raft::snapshot_metadata, decode_error>
decode_stored_snapshot_metadata(byte_view data, const decode_limits& limits) {
  using result = expected<raft::snapshot_metadata, decode_error>;
  return detail::read_message<schema::StoredSnapshotMetadata, raft::snapshot_metadata>(
    data, limits.max_bytes, limits, [](schema::StoredSnapshotMetadata::Reader r) -> result {
      if (metadata_checksum(r.getIndex(), r.getTerm(), r.getConfig().getChecksum())
          != r.getChecksum())
        return checksum_mismatch("snapshot metadata");
      auto config = read_configuration(r.getConfig());
      if (!config)
        return unexpected{config.error()};
      return raft::snapshot_metadata{r.getIndex(), r.getTerm(), std::move(*config)};
    });
}

// -- snapshot chunks -------------------------------------------------------

bytes encode_snapshot_chunk(const raft::snapshot_chunk& chunk) {
  capnp::MallocMessageBuilder builder(message_words(5, chunk.data.size()));
  auto root = builder.initRoot<schema::StoredSnapshotChunk>();
  root.setSnapshotIndex(chunk.snapshot_index);
  root.setSnapshotTerm(chunk.snapshot_term);
  root.setNumber(chunk.number);
  root.setData(as_capnp(chunk.data));
  root.setChecksum(
    chunk_checksum(chunk.snapshot_index, chunk.snapshot_term, chunk.number, chunk.data));
  return detail::to_bytes(builder);
}

expected<raft::snapshot_chunk, decode_error> decode_snapshot_chunk(byte_view data,
                                                                   const decode_limits& limits) {
  using result = expected<raft::snapshot_chunk, decode_error>;
  return detail::read_message<schema::StoredSnapshotChunk, raft::snapshot_chunk>(
    data, limits.max_bytes, limits, [](schema::StoredSnapshotChunk::Reader r) -> result {
      auto payload = as_view(r.getData());
      if (chunk_checksum(r.getSnapshotIndex(), r.getSnapshotTerm(), r.getNumber(), payload)
          != r.getChecksum())
        return checksum_mismatch("snapshot chunk");
      return raft::snapshot_chunk{r.getSnapshotIndex(), r.getSnapshotTerm(), r.getNumber(),
                                  bytes(payload.begin(), payload.end())};
    });
}

} // namespace mosaik::codec
