#include "schemas/codec/groups_codec.hpp"

#include "schemas/codec/raft_fields.hpp"
#include "schemas/groups.capnp.h"

#include <algorithm>
#include <string>

namespace mosaik::codec {

namespace {

using namespace mosaik::groups;

template <class T>
using result = expected<T, decode_error>;

// -- writers ---------------------------------------------------------------------

void write_ids(capnp::List<capnp::Data>::Builder list, const std::vector<peer_id>& ids) {
  for (unsigned k = 0; k < ids.size(); ++k)
    list.set(k, as_capnp(ids[k].view()));
}

void write_range(schema::IndexRange::Builder b, const index_range& r) {
  b.setFirst(r.first);
  b.setLast(r.last);
}

struct bond_writer {
  schema::BondMessage::Builder b;

  void operator()(const bond_hello& h) {
    auto out = b.initHello();
    out.setNetwork(as_capnp(h.network.view()));
    out.setGroup(as_capnp(h.group.view()));
    out.setProof(as_capnp(h.proof.view()));
    out.setLineage(as_capnp(h.lineage.view()));
    write_ids(out.initBonded(static_cast<unsigned>(h.bonded.size())), h.bonded);
    out.setObserver(h.observer);
    out.setReluctant(h.reluctant);
  }
  void operator()(const bond_welcome& w) {
    auto out = b.initWelcome();
    out.setProof(as_capnp(w.proof.view()));
    out.setLineage(as_capnp(w.lineage.view()));
    write_ids(out.initBonded(static_cast<unsigned>(w.bonded.size())), w.bonded);
    out.setObserver(w.observer);
    out.setReluctant(w.reluctant);
  }
  void operator()(const bond_close& c) {
    auto out = b.initClose();
    out.setReason(static_cast<std::uint16_t>(c.reason));
    out.setDetail(as_text(c.detail));
  }
  void operator()(const bond_ping&) { b.setPing(); }
  void operator()(const bond_pong&) { b.setPong(); }
  void operator()(const bond_departure&) { b.setDeparture(); }
  void operator()(const bond_formed& f) { b.initBondFormed().setPeer(as_capnp(f.peer.view())); }
  void operator()(const raft::message& m) { write_raft_message(b.initRaft(), m); }
};

struct sync_writer {
  schema::SyncMessage::Builder b;

  void operator()(const availability_request&) { b.setAvailabilityRequest(); }
  void operator()(const availability_response& a) {
    write_range(b.initAvailabilityResponse().initRange(), a.range);
  }
  void operator()(const fetch_request& f) { write_range(b.initFetchRequest().initRange(), f.range); }
  void operator()(const fetch_response& f) {
    auto out = b.initFetchResponse();
    write_range(out.initRange(), f.range);
    auto list = out.initEntries(static_cast<unsigned>(f.entries.size()));
    for (unsigned k = 0; k < f.entries.size(); ++k)
      write_raft_entry(list[k], f.entries[k]);
  }
};

// -- readers -----------------------------------------------------------------------

template <class Id>
result<Id> read_id(capnp::Data::Reader d, const std::string& field) {
  if (auto id = Id::from_bytes(as_view(d)))
    return *id;
  return bad_field(field + " must be 32 bytes");
}

result<std::vector<peer_id>> read_bonded(capnp::List<capnp::Data>::Reader list,
                                         const std::string& field) {
  if (list.size() > max_bonded_listed)
    return bad_field(field + " lists more than " + std::to_string(max_bonded_listed));
  std::vector<peer_id> out;
  out.reserve(list.size());
  for (auto d : list) {
    auto id = read_id<peer_id>(d, field);
    if (!id)
      return unexpected{id.error()};
    out.push_back(*id);
  }
  auto sorted = out;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return bad_field(field + " lists a peer twice");
  return out;
}

/// Observer and reluctant are exclusive preferences.
template <class Reader>
result<bool> read_reluctant(Reader r, const std::string& field) {
  if (r.getObserver() && r.getReluctant())
    return bad_field(field + " is both observer and reluctant");
  return r.getReluctant();
}

result<bond_message> read_hello(schema::BondHello::Reader r) {
  auto network = read_id<network_id>(r.getNetwork(), "hello.network");
  if (!network)
    return unexpected{network.error()};
  auto group = read_id<group_id>(r.getGroup(), "hello.group");
  if (!group)
    return unexpected{group.error()};
  auto proof = read_id<digest>(r.getProof(), "hello.proof");
  if (!proof)
    return unexpected{proof.error()};
  auto lineage = read_id<digest>(r.getLineage(), "hello.lineage");
  if (!lineage)
    return unexpected{lineage.error()};
  auto bonded = read_bonded(r.getBonded(), "hello.bonded");
  if (!bonded)
    return unexpected{bonded.error()};
  auto reluctant = read_reluctant(r, "hello");
  if (!reluctant)
    return unexpected{reluctant.error()};
  return bond_message{
    bond_hello{*network, *group, *proof, *lineage, std::move(*bonded), r.getObserver(), *reluctant}};
}

result<bond_message> read_welcome(schema::BondWelcome::Reader r) {
  auto proof = read_id<digest>(r.getProof(), "welcome.proof");
  if (!proof)
    return unexpected{proof.error()};
  auto lineage = read_id<digest>(r.getLineage(), "welcome.lineage");
  if (!lineage)
    return unexpected{lineage.error()};
  auto bonded = read_bonded(r.getBonded(), "welcome.bonded");
  if (!bonded)
    return unexpected{bonded.error()};
  auto reluctant = read_reluctant(r, "welcome");
  if (!reluctant)
    return unexpected{reluctant.error()};
  return bond_message{bond_welcome{*proof, *lineage, std::move(*bonded), r.getObserver(), *reluctant}};
}

result<bond_message> read_close(schema::BondClose::Reader r) {
  auto reason = static_cast<bond_close_reason>(r.getReason());
  if (!is_known(reason))
    return unexpected{decode_error{decode_errc::unknown_kind,
                                   "close.reason " + std::to_string(r.getReason())}};
  auto detail = r.getDetail();
  if (detail.size() > max_close_detail)
    return bad_field("close.detail exceeds " + std::to_string(max_close_detail) + " bytes");
  return bond_message{bond_close{reason, std::string(detail.cStr(), detail.size())}};
}

result<bond_message> read_bond(schema::BondMessage::Reader r) {
  using M = schema::BondMessage;
  switch (r.which()) {
    case M::HELLO: return read_hello(r.getHello());
    case M::WELCOME: return read_welcome(r.getWelcome());
    case M::CLOSE: return read_close(r.getClose());
    case M::PING: return bond_message{bond_ping{}};
    case M::PONG: return bond_message{bond_pong{}};
    case M::DEPARTURE: return bond_message{bond_departure{}};
    case M::BOND_FORMED: {
      auto peer = read_id<peer_id>(r.getBondFormed().getPeer(), "bondFormed.peer");
      if (!peer)
        return unexpected{peer.error()};
      return bond_message{bond_formed{*peer}};
    }
    case M::RAFT: {
      auto m = read_raft_message(r.getRaft());
      if (!m)
        return unexpected{m.error()};
      return bond_message{std::move(*m)};
    }
  }
  return unexpected{decode_error{decode_errc::unknown_kind,
                                 "bond message kind " + std::to_string(r.which())}};
}

result<index_range> read_range(schema::IndexRange::Reader r, const std::string& field) {
  if (r.getFirst() == 0)
    return bad_field(field + ".first must be at least 1");
  return index_range{r.getFirst(), r.getLast()};
}

result<sync_message> read_fetch_response(schema::FetchResponse::Reader r) {
  auto range = read_range(r.getRange(), "fetchResponse.range");
  if (!range)
    return unexpected{range.error()};
  auto list = r.getEntries();
  if (list.size() > max_fetch_entries)
    return bad_field("fetchResponse.entries lists more than " + std::to_string(max_fetch_entries));
  // first >= 1, so last - first + 1 cannot overflow.
  auto covered = range->empty() ? 0 : range->last - range->first + 1;
  if (list.size() != covered)
    return bad_field("fetchResponse.entries must cover fetchResponse.range exactly");
  fetch_response out{*range, {}};
  out.entries.reserve(list.size());
  for (auto e : list) {
    auto entry = read_raft_entry(e);
    if (!entry)
      return unexpected{entry.error()};
    if (entry->index != range->first + out.entries.size())
      return bad_field("fetchResponse.entries must be consecutive from range.first");
    out.entries.push_back(std::move(*entry));
  }
  return sync_message{std::move(out)};
}

result<sync_message> read_sync(schema::SyncMessage::Reader r) {
  using M = schema::SyncMessage;
  switch (r.which()) {
    case M::AVAILABILITY_REQUEST: return sync_message{availability_request{}};
    case M::AVAILABILITY_RESPONSE: {
      auto range = read_range(r.getAvailabilityResponse().getRange(), "availabilityResponse.range");
      if (!range)
        return unexpected{range.error()};
      return sync_message{availability_response{*range}};
    }
    case M::FETCH_REQUEST: {
      auto range = read_range(r.getFetchRequest().getRange(), "fetchRequest.range");
      if (!range)
        return unexpected{range.error()};
      return sync_message{fetch_request{*range}};
    }
    case M::FETCH_RESPONSE: return read_fetch_response(r.getFetchResponse());
  }
  return unexpected{decode_error{decode_errc::unknown_kind,
                                 "sync message kind " + std::to_string(r.which())}};
}

} // namespace

bytes encode_bond_message(const bond_message& m) {
  capnp::MallocMessageBuilder builder;
  std::visit(bond_writer{builder.initRoot<schema::BondMessage>()}, m);
  return detail::to_bytes(builder);
}

expected<bond_message, decode_error> decode_bond_message(byte_view data,
                                                         const decode_limits& limits) {
  return detail::read_message<schema::BondMessage, bond_message>(data, limits.max_bytes, limits,
                                                                 &read_bond);
}

bytes encode_sync_message(const sync_message& m) {
  capnp::MallocMessageBuilder builder;
  std::visit(sync_writer{builder.initRoot<schema::SyncMessage>()}, m);
  return detail::to_bytes(builder);
}

expected<sync_message, decode_error> decode_sync_message(byte_view data,
                                                         const decode_limits& limits) {
  return detail::read_message<schema::SyncMessage, sync_message>(data, limits.max_bytes, limits,
                                                                 &read_sync);
}

} // namespace mosaik::codec
