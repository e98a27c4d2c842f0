#include "schemas/codec/raft_codec.hpp"

#include "schemas/codec/raft_fields.hpp"

#include <algorithm>

namespace mosaik::codec {

namespace {

template <class T>
using result = expected<T, decode_error>;

// The codec casts between each C++ enum and its schema twin: every
// enumerator must have the same value on both sides (the decoders refuse
// values past the last C++ enumerator).
template <class A, class B>
constexpr bool same_value(A a, B b) {
  return static_cast<std::uint64_t>(a) == static_cast<std::uint64_t>(b);
}
static_assert(same_value(raft::entry_type::command, schema::EntryType::COMMAND));
static_assert(same_value(raft::entry_type::noop, schema::EntryType::NOOP));
static_assert(same_value(raft::entry_type::config_change, schema::EntryType::CONFIG_CHANGE));
static_assert(same_value(raft::forward_answer::accepted, schema::ForwardAnswer::ACCEPTED));
static_assert(same_value(raft::forward_answer::not_leader, schema::ForwardAnswer::NOT_LEADER));
static_assert(same_value(raft::forward_answer::unknown, schema::ForwardAnswer::UNKNOWN));

} // namespace

// -- writers ---------------------------------------------------------------------

void write_raft_entry(schema::Entry::Builder b, const raft::entry& e) {
  b.setIndex(e.index);
  b.setTerm(e.term);
  b.setType(static_cast<schema::EntryType>(e.type));
  b.setData(as_capnp(e.data));
}

namespace {

void write_ids(capnp::List<capnp::Data>::Builder list, const std::vector<raft::node_id>& ids) {
  for (unsigned k = 0; k < ids.size(); ++k)
    list.set(k, as_capnp(ids[k].view()));
}

void write_config(schema::Configuration::Builder b, const raft::configuration& c) {
  write_ids(b.initVoters(static_cast<unsigned>(c.voters.size())), c.voters);
  write_ids(b.initLearners(static_cast<unsigned>(c.learners.size())), c.learners);
  b.setLineage(as_capnp(c.lineage.view()));
}

void write_meta(schema::SnapshotMetadata::Builder b, const raft::snapshot_metadata& m) {
  b.setIndex(m.index);
  b.setTerm(m.term);
  write_config(b.initConfig(), m.config);
}

void write_forward(schema::ForwardProposal::Builder out, const raft::forward_proposal& p) {
  out.setId(p.id);
  out.setTerm(p.term);
  out.setCommand(as_capnp(p.command));
}

void write_proposal_response(schema::ProposalResponse::Builder out,
                             const raft::proposal_response& p) {
  out.setId(p.id);
  out.setAnswer(static_cast<schema::ForwardAnswer>(p.answer));
  out.setIndex(p.index);
  out.setTerm(p.term);
}

struct body_writer {
  schema::RaftMessage::Body::Builder b;

  void operator()(const raft::append_request& a) {
    auto out = b.initAppend();
    out.setPrevIndex(a.prev_index);
    out.setPrevTerm(a.prev_term);
    out.setCommit(a.commit);
    auto list = out.initEntries(static_cast<unsigned>(a.entries.size()));
    for (unsigned k = 0; k < a.entries.size(); ++k)
      write_raft_entry(list[k], a.entries[k]);
  }
  void operator()(const raft::append_response& r) {
    auto out = b.initAppendResponse();
    out.setIndex(r.index);
    out.setReject(r.reject);
    out.setHint(r.hint);
    out.setObserver(r.observer);
  }
  void operator()(const raft::heartbeat_request& h) {
    auto out = b.initHeartbeat();
    out.setCommit(h.commit);
    out.setReadSeq(h.read_seq);
  }
  void operator()(const raft::heartbeat_response& h) {
    auto out = b.initHeartbeatResponse();
    out.setReadSeq(h.read_seq);
    out.setObserver(h.observer);
  }
  void operator()(const raft::vote_request& v) {
    auto out = b.initVote();
    out.setPreVote(v.pre_vote);
    out.setLastIndex(v.last_index);
    out.setLastTerm(v.last_term);
  }
  void operator()(const raft::vote_response& v) {
    auto out = b.initVoteResponse();
    out.setPreVote(v.pre_vote);
    out.setGranted(v.granted);
  }
  void operator()(const raft::snapshot_request& s) { write_meta(b.initSnapshot().initMeta(), s.meta); }
  void operator()(const raft::forward_proposal& p) { write_forward(b.initForwardProposal(), p); }
  void operator()(const raft::proposal_response& p) {
    write_proposal_response(b.initProposalResponse(), p);
  }
  void operator()(const raft::forward_proposal_batch& batch) {
    auto list = b.initForwardProposals(static_cast<unsigned>(batch.proposals.size()));
    for (unsigned k = 0; k < batch.proposals.size(); ++k)
      write_forward(list[k], batch.proposals[k]);
  }
  void operator()(const raft::proposal_response_batch& batch) {
    auto list = b.initProposalResponses(static_cast<unsigned>(batch.responses.size()));
    for (unsigned k = 0; k < batch.responses.size(); ++k)
      write_proposal_response(list[k], batch.responses[k]);
  }
  void operator()(const raft::forward_read& r) { b.initForwardRead().setId(r.id); }
  void operator()(const raft::read_response& r) {
    auto out = b.initReadResponse();
    out.setId(r.id);
    out.setOk(r.ok);
    out.setIndex(r.index);
  }
};

// -- readers -----------------------------------------------------------------------

result<raft::node_id> read_id(capnp::Data::Reader d, const char* field) {
  auto id = peer_id::from_bytes(as_view(d));
  if (!id)
    return bad_field(std::string(field) + " must be 32 bytes");
  return *id;
}

result<digest> read_digest(capnp::Data::Reader d, const char* field) {
  auto id = digest::from_bytes(as_view(d));
  if (!id)
    return bad_field(std::string(field) + " must be 32 bytes");
  return *id;
}

} // namespace

result<raft::entry> read_raft_entry(schema::Entry::Reader r) {
  auto raw_type = static_cast<std::uint16_t>(r.getType());
  if (raw_type > static_cast<std::uint16_t>(raft::entry_type::config_change))
    return unexpected{decode_error{decode_errc::unknown_kind,
                                   "entry.type " + std::to_string(raw_type)}};
  if (r.getIndex() == 0)
    return bad_field("entry.index must be at least 1");
  auto data = r.getData();
  return raft::entry{r.getIndex(), r.getTerm(), static_cast<raft::entry_type>(raw_type),
                     bytes(data.begin(), data.end())};
}

namespace {

result<std::vector<raft::node_id>> read_ids(capnp::List<capnp::Data>::Reader list,
                                            const char* field) {
  if (list.size() > max_members)
    return bad_field(std::string(field) + " lists more than " + std::to_string(max_members));
  std::vector<raft::node_id> out;
  out.reserve(list.size());
  for (auto d : list) {
    auto id = read_id(d, field);
    if (!id)
      return unexpected{id.error()};
    // The core looks members up by binary search.
    if (!out.empty() && !(out.back() < *id))
      return bad_field(std::string(field) + " must be sorted without duplicates");
    out.push_back(*id);
  }
  return out;
}

result<raft::configuration> read_config(schema::Configuration::Reader r) {
  auto voters = read_ids(r.getVoters(), "configuration.voters");
  if (!voters)
    return unexpected{voters.error()};
  auto learners = read_ids(r.getLearners(), "configuration.learners");
  if (!learners)
    return unexpected{learners.error()};
  if (voters->size() + learners->size() > max_members)
    return bad_field("configuration has more than " + std::to_string(max_members) + " members");
  for (const auto& l : *learners)
    if (std::binary_search(voters->begin(), voters->end(), l))
      return bad_field("configuration.learners overlaps voters");
  auto lineage = read_digest(r.getLineage(), "configuration.lineage");
  if (!lineage)
    return unexpected{lineage.error()};
  return raft::configuration{std::move(*voters), std::move(*learners), *lineage};
}

result<raft::snapshot_metadata> read_meta(schema::SnapshotMetadata::Reader r) {
  auto config = read_config(r.getConfig());
  if (!config)
    return unexpected{config.error()};
  return raft::snapshot_metadata{r.getIndex(), r.getTerm(), std::move(*config)};
}

result<raft::message_body> read_append(schema::AppendRequest::Reader r) {
  raft::append_request a{r.getPrevIndex(), r.getPrevTerm(), {}, r.getCommit()};
  auto list = r.getEntries();
  a.entries.reserve(list.size());
  for (auto e : list) {
    auto entry = read_raft_entry(e);
    if (!entry)
      return unexpected{entry.error()};
    // The follower splices these after prevIndex: they must follow it.
    if (entry->index != a.prev_index + 1 + a.entries.size())
      return bad_field("append.entries must be consecutive from prevIndex + 1");
    a.entries.push_back(std::move(*entry));
  }
  return raft::message_body{std::move(a)};
}

raft::forward_proposal read_forward(schema::ForwardProposal::Reader r) {
  auto cmd = r.getCommand();
  return {r.getId(), r.getTerm(), bytes(cmd.begin(), cmd.end())};
}

result<raft::proposal_response> read_proposal_response(schema::ProposalResponse::Reader r) {
  auto raw = static_cast<std::uint16_t>(r.getAnswer());
  if (raw > static_cast<std::uint16_t>(raft::forward_answer::unknown))
    return unexpected{
      decode_error{decode_errc::unknown_kind, "proposalResponse.answer " + std::to_string(raw)}};
  return raft::proposal_response{r.getId(), static_cast<raft::forward_answer>(raw), r.getIndex(),
                                 r.getTerm()};
}

template <class T>
result<raft::message_body> as_body(result<T> r) {
  if (!r)
    return unexpected{r.error()};
  return raft::message_body{std::move(*r)};
}

/// A batch holds 1 to raft::max_batch items (coalesce.hpp never makes an
/// empty or larger one).
template <class List>
result<bool> check_batch(const List& list, const char* field) {
  if (list.size() == 0 || list.size() > raft::max_batch)
    return bad_field(std::string(field) + " must hold 1 to " + std::to_string(raft::max_batch)
                     + " items, not " + std::to_string(list.size()));
  return true;
}

result<raft::message_body> read_forwards(capnp::List<schema::ForwardProposal>::Reader list) {
  if (auto ok = check_batch(list, "forwardProposals"); !ok)
    return unexpected{ok.error()};
  raft::forward_proposal_batch batch;
  batch.proposals.reserve(list.size());
  for (auto r : list)
    batch.proposals.push_back(read_forward(r));
  return raft::message_body{std::move(batch)};
}

result<raft::message_body>
read_proposal_responses(capnp::List<schema::ProposalResponse>::Reader list) {
  if (auto ok = check_batch(list, "proposalResponses"); !ok)
    return unexpected{ok.error()};
  raft::proposal_response_batch batch;
  batch.responses.reserve(list.size());
  for (auto r : list) {
    auto one = read_proposal_response(r);
    if (!one)
      return unexpected{one.error()};
    batch.responses.push_back(*one);
  }
  return raft::message_body{std::move(batch)};
}

result<raft::message_body> read_body(schema::RaftMessage::Body::Reader b) {
  using B = schema::RaftMessage::Body;
  switch (b.which()) {
    case B::APPEND:
      return read_append(b.getAppend());
    case B::APPEND_RESPONSE: {
      auto r = b.getAppendResponse();
      return raft::message_body{
        raft::append_response{r.getIndex(), r.getReject(), r.getHint(), r.getObserver()}};
    }
    case B::HEARTBEAT: {
      auto r = b.getHeartbeat();
      return raft::message_body{raft::heartbeat_request{r.getCommit(), r.getReadSeq()}};
    }
    case B::HEARTBEAT_RESPONSE: {
      auto r = b.getHeartbeatResponse();
      return raft::message_body{raft::heartbeat_response{r.getReadSeq(), r.getObserver()}};
    }
    case B::VOTE: {
      auto r = b.getVote();
      return raft::message_body{raft::vote_request{r.getPreVote(), r.getLastIndex(), r.getLastTerm()}};
    }
    case B::VOTE_RESPONSE: {
      auto r = b.getVoteResponse();
      return raft::message_body{raft::vote_response{r.getPreVote(), r.getGranted()}};
    }
    case B::SNAPSHOT: {
      auto meta = read_meta(b.getSnapshot().getMeta());
      if (!meta)
        return unexpected{meta.error()};
      return raft::message_body{raft::snapshot_request{std::move(*meta)}};
    }
    case B::FORWARD_PROPOSAL:
      return raft::message_body{read_forward(b.getForwardProposal())};
    case B::PROPOSAL_RESPONSE:
      return as_body(read_proposal_response(b.getProposalResponse()));
    case B::FORWARD_PROPOSALS:
      return read_forwards(b.getForwardProposals());
    case B::PROPOSAL_RESPONSES:
      return read_proposal_responses(b.getProposalResponses());
    case B::FORWARD_READ:
      return raft::message_body{raft::forward_read{b.getForwardRead().getId()}};
    case B::READ_RESPONSE: {
      auto r = b.getReadResponse();
      return raft::message_body{raft::read_response{r.getId(), r.getOk(), r.getIndex()}};
    }
  }
  return unexpected{decode_error{decode_errc::unknown_kind,
                                 "raft message kind " + std::to_string(b.which())}};
}

} // namespace

void write_raft_message(schema::RaftMessage::Builder b, const raft::message& m) {
  b.setFrom(as_capnp(m.from.view()));
  b.setTo(as_capnp(m.to.view()));
  b.setTerm(m.term);
  b.setLineage(as_capnp(m.lineage.view()));
  std::visit(body_writer{b.initBody()}, m.body);
}

result<raft::message> read_raft_message(schema::RaftMessage::Reader r) {
  auto from = read_id(r.getFrom(), "message.from");
  if (!from)
    return unexpected{from.error()};
  auto to = read_id(r.getTo(), "message.to");
  if (!to)
    return unexpected{to.error()};
  auto lineage = read_digest(r.getLineage(), "message.lineage");
  if (!lineage)
    return unexpected{lineage.error()};
  auto body = read_body(r.getBody());
  if (!body)
    return unexpected{body.error()};
  return raft::message{*from, *to, r.getTerm(), *lineage, std::move(*body)};
}

bytes encode_raft_message(const raft::message& m) {
  capnp::MallocMessageBuilder builder;
  write_raft_message(builder.initRoot<schema::RaftMessage>(), m);
  return detail::to_bytes(builder);
}

expected<raft::message, decode_error> decode_raft_message(byte_view data,
                                                          const decode_limits& limits) {
  return detail::read_message<schema::RaftMessage, raft::message>(data, limits.max_bytes, limits,
                                                                  &read_raft_message);
}

bytes encode_entry(const raft::entry& e) {
  capnp::MallocMessageBuilder builder;
  write_raft_entry(builder.initRoot<schema::Entry>(), e);
  return detail::to_bytes(builder);
}

expected<raft::entry, decode_error> decode_entry(byte_view data, const decode_limits& limits) {
  return detail::read_message<schema::Entry, raft::entry>(data, limits.max_bytes, limits,
                                                          &read_raft_entry);
}

bytes encode_snapshot_metadata(const raft::snapshot_metadata& meta) {
  capnp::MallocMessageBuilder builder;
  write_meta(builder.initRoot<schema::SnapshotMetadata>(), meta);
  return detail::to_bytes(builder);
}

expected<raft::snapshot_metadata, decode_error>
decode_snapshot_metadata(byte_view data, const decode_limits& limits) {
  return detail::read_message<schema::SnapshotMetadata, raft::snapshot_metadata>(
    data, limits.max_bytes, limits, &read_meta);
}

} // namespace mosaik::codec
