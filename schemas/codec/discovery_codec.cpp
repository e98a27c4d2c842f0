#include "schemas/codec/discovery_codec.hpp"

#include "schemas/codec/endpoint_fields.hpp"
#include "schemas/codec/message_reader.hpp"
#include "schemas/discovery.capnp.h"

#include <string_view>

namespace mosaik::codec {

namespace {

using namespace mosaik::discovery;

template <class T>
using result = expected<T, decode_error>;

// ---- encoding

void write_version(schema::EntryVersion::Builder b, const entry_version& v) {
  b.setStartMs(v.start_ms);
  b.setUpdateMs(v.update_ms);
}

template <class Set>
void write_ids(capnp::List<capnp::Data>::Builder list, const Set& ids) {
  unsigned i = 0;
  for (const auto& id : ids)
    list.set(i++, as_capnp(id.view()));
}

void write_entry(schema::PeerEntry::Builder b, const peer_entry& e) {
  b.setProtocol(as_text(e.protocol()));
  b.setNetworkId(as_capnp(e.network().view()));
  b.setPeerId(as_capnp(e.peer().view()));
  write_version(b.initVersion(), e.version());
  auto addresses = b.initAddresses(static_cast<unsigned>(e.addresses().size()));
  unsigned i = 0;
  for (const auto& a : e.addresses())
    write_endpoint(addresses[i++], a);
  write_ids(b.initTags(static_cast<unsigned>(e.tags().size())), e.tags());
  write_ids(b.initStreams(static_cast<unsigned>(e.streams().size())), e.streams());
  write_ids(b.initGroups(static_cast<unsigned>(e.groups().size())), e.groups());
  auto tickets = b.initTickets(static_cast<unsigned>(e.tickets().size()));
  i = 0;
  for (const auto& [id, t] : e.tickets()) {
    tickets[i].setTicketClass(as_capnp(t.ticket_class.view()));
    tickets[i].setData(as_capnp(t.data));
    ++i;
  }
}

void write_signed(schema::SignedPeerEntry::Builder b, const signed_peer_entry& s) {
  write_entry(b.initEntry(), s.entry());
  b.setSignature(as_capnp(s.sig().view()));
}

void write_departure(schema::Departure::Builder b, const departure& d) {
  b.setNetworkId(as_capnp(d.network().view()));
  b.setPeerId(as_capnp(d.peer().view()));
  write_version(b.initLastVersion(), d.last_version());
  b.setTimestampMs(d.timestamp().count());
  b.setSignature(as_capnp(d.sig().view()));
}

// ---- decoding

entry_version read_version(schema::EntryVersion::Reader r) {
  return {r.getStartMs(), r.getUpdateMs()};
}

template <class Id>
result<Id> read_id(capnp::Data::Reader d, const char* what) {
  if (auto id = Id::from_bytes(as_view(d)))
    return *id;
  return bad_field(std::string{what} + " must be 32 bytes");
}

result<signature> read_signature(capnp::Data::Reader d, const char* what) {
  if (auto sig = signature::from_bytes(as_view(d)))
    return *sig;
  return bad_field(std::string{what} + " must be 64 bytes");
}

result<millis> read_age(std::uint64_t age, const char* what) {
  if (age > max_age_ms)
    return bad_field(std::string{what} + " is implausibly large");
  return millis{static_cast<millis::rep>(age)};
}

/// Reads a list of ids through `add(id) -> bool` (false: a duplicate).
template <class Id, class Add>
std::optional<decode_error> read_ids(capnp::List<capnp::Data>::Reader list, std::size_t max,
                                     const char* what, Add&& add) {
  if (list.size() > max)
    return decode_error{decode_errc::bad_field, std::string{what} + " has "
                                                  + std::to_string(list.size()) + " items, over "
                                                  + std::to_string(max)};
  for (auto item : list) {
    auto id = Id::from_bytes(as_view(item));
    if (!id)
      return decode_error{decode_errc::bad_field, std::string{what} + " item must be 32 bytes"};
    if (!add(*id))
      return decode_error{decode_errc::bad_field, std::string{what} + " has a duplicate"};
  }
  return std::nullopt;
}

result<peer_entry> read_entry(schema::PeerEntry::Reader r, const limits& lim) {
  auto protocol = r.getProtocol();
  if (protocol.size() > lim.max_protocol_bytes)
    return bad_field("entry.protocol is too long");
  if (has_nul(protocol))
    return bad_field("entry.protocol holds a NUL byte");
  auto network = read_id<network_id>(r.getNetworkId(), "entry.networkId");
  if (!network)
    return unexpected{network.error()};
  auto peer = read_id<peer_id>(r.getPeerId(), "entry.peerId");
  if (!peer)
    return unexpected{peer.error()};
  peer_entry e{std::string(protocol.cStr(), protocol.size()), *network, *peer,
               read_version(r.getVersion())};

  auto addresses = r.getAddresses();
  if (addresses.size() > lim.max_addresses)
    return bad_field("entry.addresses has too many items");
  for (auto a : addresses) {
    auto address = read_endpoint(a, "entry.addresses", lim.max_host_bytes);
    if (!address)
      return unexpected{address.error()};
    if (!e.add_address(*address))
      return bad_field("entry.addresses has a duplicate");
  }
  if (auto err = read_ids<tag>(r.getTags(), lim.max_tags, "entry.tags",
                               [&](const tag& t) { return e.add_tag(t); }))
    return unexpected{*err};
  if (auto err = read_ids<stream_id>(r.getStreams(), lim.max_streams, "entry.streams",
                                     [&](const stream_id& s) { return e.add_stream(s); }))
    return unexpected{*err};
  if (auto err = read_ids<group_id>(r.getGroups(), lim.max_groups, "entry.groups",
                                    [&](const group_id& g) { return e.add_group(g); }))
    return unexpected{*err};

  auto tickets = r.getTickets();
  if (tickets.size() > lim.max_tickets)
    return bad_field("entry.tickets has too many items");
  for (auto t : tickets) {
    auto cls = read_id<unique_id>(t.getTicketClass(), "entry.tickets class");
    if (!cls)
      return unexpected{cls.error()};
    auto data = t.getData();
    if (data.size() > lim.max_ticket_bytes)
      return bad_field("entry.tickets data is too long");
    if (!e.add_ticket({*cls, bytes(data.begin(), data.end())}))
      return bad_field("entry.tickets has a duplicate");
  }
  return e;
}

result<signed_peer_entry> read_signed(schema::SignedPeerEntry::Reader r, const limits& lim) {
  auto entry = read_entry(r.getEntry(), lim);
  if (!entry)
    return unexpected{entry.error()};
  auto sig = read_signature(r.getSignature(), "entry.signature");
  if (!sig)
    return unexpected{sig.error()};
  return signed_peer_entry::unverified(std::move(*entry), *sig);
}

result<departure> read_departure(schema::Departure::Reader r) {
  auto network = read_id<network_id>(r.getNetworkId(), "departure.networkId");
  if (!network)
    return unexpected{network.error()};
  auto peer = read_id<peer_id>(r.getPeerId(), "departure.peerId");
  if (!peer)
    return unexpected{peer.error()};
  auto sig = read_signature(r.getSignature(), "departure.signature");
  if (!sig)
    return unexpected{sig.error()};
  return departure::unverified(*network, *peer, read_version(r.getLastVersion()),
                               millis{r.getTimestampMs()}, *sig);
}

result<message> read_announce(schema::Announce::Reader r, const limits& lim) {
  auto entries = r.getEntries();
  if (entries.size() > lim.max_announce_entries)
    return bad_field("announce.entries has too many items");
  announce a;
  a.entries.reserve(entries.size());
  for (auto item : entries) {
    auto e = read_signed(item, lim);
    if (!e)
      return unexpected{e.error()};
    a.entries.push_back(std::move(*e));
  }
  return message{std::move(a)};
}

result<message> read_sync_request(schema::SyncRequest::Reader r, const limits& lim) {
  auto summary = r.getSummary();
  if (summary.size() > lim.max_summary_items)
    return bad_field("syncRequest.summary has too many items");
  sync_request req{r.getRequestId(), {}};
  req.summary.reserve(summary.size());
  for (auto item : summary) {
    auto peer = read_id<peer_id>(item.getPeerId(), "syncRequest.summary peerId");
    if (!peer)
      return unexpected{peer.error()};
    req.summary.push_back({*peer, read_version(item.getVersion())});
  }
  return message{std::move(req)};
}

result<message> read_sync_chunk(schema::SyncChunk::Reader r, const limits& lim) {
  auto entries = r.getEntries();
  auto departures = r.getDepartures();
  if (entries.size() > lim.max_chunk_entries || departures.size() > lim.max_chunk_entries)
    return bad_field("syncChunk has too many items");
  sync_chunk chunk{r.getRequestId(), {}, {}, r.getLast()};
  for (auto item : entries) {
    auto e = read_signed(item.getEntry(), lim);
    if (!e)
      return unexpected{e.error()};
    auto age = read_age(item.getAgeMs(), "syncChunk.entries ageMs");
    if (!age)
      return unexpected{age.error()};
    chunk.entries.push_back({std::move(*e), *age});
  }
  for (auto item : departures) {
    auto d = read_departure(item.getDeparture());
    if (!d)
      return unexpected{d.error()};
    auto age = read_age(item.getAgeMs(), "syncChunk.departures ageMs");
    if (!age)
      return unexpected{age.error()};
    chunk.departures.push_back({std::move(*d), *age});
  }
  return message{std::move(chunk)};
}

} // namespace

bytes encode_discovery(const message& m) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::DiscoveryMessage>();
  if (const auto* a = std::get_if<announce>(&m)) {
    auto entries = root.initAnnounce().initEntries(static_cast<unsigned>(a->entries.size()));
    for (unsigned i = 0; i < entries.size(); ++i)
      write_signed(entries[i], a->entries[i]);
  } else if (const auto* d = std::get_if<departure>(&m)) {
    write_departure(root.initDeparture(), *d);
  } else if (const auto* req = std::get_if<sync_request>(&m)) {
    auto b = root.initSyncRequest();
    b.setRequestId(req->request_id);
    auto summary = b.initSummary(static_cast<unsigned>(req->summary.size()));
    for (unsigned i = 0; i < summary.size(); ++i) {
      summary[i].setPeerId(as_capnp(req->summary[i].peer.view()));
      write_version(summary[i].initVersion(), req->summary[i].version);
    }
  } else if (const auto* chunk = std::get_if<sync_chunk>(&m)) {
    auto b = root.initSyncChunk();
    b.setRequestId(chunk->request_id);
    b.setLast(chunk->last);
    auto entries = b.initEntries(static_cast<unsigned>(chunk->entries.size()));
    for (unsigned i = 0; i < entries.size(); ++i) {
      write_signed(entries[i].initEntry(), chunk->entries[i].entry);
      entries[i].setAgeMs(static_cast<std::uint64_t>(std::max<millis::rep>(0, chunk->entries[i].age.count())));
    }
    auto departures = b.initDepartures(static_cast<unsigned>(chunk->departures.size()));
    for (unsigned i = 0; i < departures.size(); ++i) {
      write_departure(departures[i].initDeparture(), chunk->departures[i].departure);
      departures[i].setAgeMs(
        static_cast<std::uint64_t>(std::max<millis::rep>(0, chunk->departures[i].age.count())));
    }
  }
  return detail::to_bytes(builder);
}

expected<message, decode_error> decode_discovery(byte_view data, const limits& lim,
                                                 const decode_limits& limits) {
  return detail::read_message<schema::DiscoveryMessage, message>(
    data, limits.max_bytes, limits, [&](schema::DiscoveryMessage::Reader r) -> result<message> {
      switch (r.which()) {
        case schema::DiscoveryMessage::ANNOUNCE: return read_announce(r.getAnnounce(), lim);
        case schema::DiscoveryMessage::DEPARTURE: {
          auto d = read_departure(r.getDeparture());
          if (!d)
            return unexpected{d.error()};
          return message{std::move(*d)};
        }
        case schema::DiscoveryMessage::SYNC_REQUEST:
          return read_sync_request(r.getSyncRequest(), lim);
        case schema::DiscoveryMessage::SYNC_CHUNK: return read_sync_chunk(r.getSyncChunk(), lim);
      }
      return unexpected{decode_error{decode_errc::unknown_kind,
                                     "discovery message kind "
                                       + std::to_string(static_cast<unsigned>(r.which()))}};
    });
}

bytes encode_signed_entry(const signed_peer_entry& e) {
  capnp::MallocMessageBuilder builder;
  write_signed(builder.initRoot<schema::SignedPeerEntry>(), e);
  return detail::to_bytes(builder);
}

expected<signed_peer_entry, decode_error> decode_signed_entry(byte_view data, const limits& lim,
                                                              const decode_limits& limits) {
  return detail::read_message<schema::SignedPeerEntry, signed_peer_entry>(
    data, limits.max_bytes, limits,
    [&](schema::SignedPeerEntry::Reader r) { return read_signed(r, lim); });
}

} // namespace mosaik::codec
