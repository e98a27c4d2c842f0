#include "schemas/codec/streams_codec.hpp"

#include "schemas/codec/message_reader.hpp"
#include "schemas/streams.capnp.h"

#include <string>

namespace mosaik::codec {

namespace {

using namespace mosaik::streams;

template <class T>
using result = expected<T, decode_error>;

// -- writers ---------------------------------------------------------------------

void write_close(schema::Close::Builder b, subscription_id sub, close_code code,
                 const std::string& detail) {
  b.setSubscription(sub);
  b.setCode(static_cast<std::uint32_t>(code));
  b.setDetail(as_text(detail));
}

struct stream_writer {
  schema::StreamMessage::Builder b;

  void operator()(const subscribe& s) {
    auto out = b.initSubscribe();
    out.setSubscription(s.sub);
    out.setNetwork(as_capnp(s.network.view()));
    out.setStream(as_capnp(s.stream.view()));
    out.initCriteria();
    out.setInitialCredit(s.initial_credit);
    out.setCountsBytes(s.initial_credit_bytes.has_value());
    out.setInitialCreditBytes(s.initial_credit_bytes.value_or(0));
  }
  void operator()(const accepted& a) {
    auto out = b.initAccepted();
    out.setSubscription(a.sub);
    out.setEpoch(a.epoch);
    out.setNextSeq(a.next_seq);
  }
  void operator()(const batch& m) {
    auto out = b.initBatch();
    out.setSubscription(m.sub);
    out.setFirstSeq(m.first_seq);
    auto list = out.initDatums(static_cast<unsigned>(m.datums.size()));
    for (unsigned k = 0; k < m.datums.size(); ++k)
      list.set(k, as_capnp(*m.datums[k]));
  }
  void operator()(const credit& c) {
    auto out = b.initCredit();
    out.setSubscription(c.sub);
    out.setDatums(c.datums);
    out.setBytes(c.bytes);
  }
  void operator()(const stream_close& c) { write_close(b.initClose(), c.sub, c.code, c.detail); }
  void operator()(const unsubscribe& u) {
    write_close(b.initUnsubscribe(), u.sub, u.code, u.detail);
  }
};

// -- readers -----------------------------------------------------------------------

template <class Id>
result<Id> read_id(capnp::Data::Reader d, const std::string& field) {
  if (auto id = Id::from_bytes(as_view(d)))
    return *id;
  return bad_field(field + " must be 32 bytes");
}

result<stream_message> read_subscribe(schema::Subscribe::Reader r) {
  auto network = read_id<network_id>(r.getNetwork(), "subscribe.network");
  if (!network)
    return unexpected{network.error()};
  auto stream = read_id<stream_id>(r.getStream(), "subscribe.stream");
  if (!stream)
    return unexpected{stream.error()};
  std::optional<std::uint64_t> bytes;
  if (r.getCountsBytes())
    bytes = r.getInitialCreditBytes();
  return stream_message{subscribe{r.getSubscription(), *network, *stream, criteria{},
                                  r.getInitialCredit(), bytes}};
}

result<stream_message> read_accepted(schema::Accepted::Reader r) {
  if (r.getNextSeq() == 0)
    return bad_field("accepted.nextSeq must be at least 1");
  return stream_message{accepted{r.getSubscription(), r.getEpoch(), r.getNextSeq()}};
}

result<stream_message> read_batch(schema::Batch::Reader r) {
  auto list = r.getDatums();
  if (list.size() == 0)
    return bad_field("batch.datums is empty");
  if (list.size() > max_batch_datums)
    return bad_field("batch.datums lists more than " + std::to_string(max_batch_datums));
  auto first = r.getFirstSeq();
  if (first == 0)
    return bad_field("batch.firstSeq must be at least 1");
  // The number after the last datum must exist: the consumer expects it next.
  if (first > ~std::uint64_t{0} - list.size())
    return bad_field("batch sequence numbers overflow");
  batch out{r.getSubscription(), first, {}};
  out.datums.reserve(list.size());
  for (auto d : list) {
    if (d.size() > max_datum_bytes)
      return bad_field("a datum exceeds " + std::to_string(max_datum_bytes) + " bytes");
    out.datums.push_back(make_datum(bytes(d.begin(), d.end())));
  }
  return stream_message{std::move(out)};
}

result<stream_message> read_credit(schema::Credit::Reader r) {
  if (r.getDatums() == 0)
    return bad_field("credit.datums must be at least 1");
  return stream_message{credit{r.getSubscription(), r.getDatums(), r.getBytes()}};
}

template <class T>
result<stream_message> read_close(schema::Close::Reader r, const std::string& field) {
  auto code = static_cast<close_code>(r.getCode());
  if (!is_known(code))
    return unexpected{decode_error{decode_errc::unknown_kind,
                                   field + ".code " + std::to_string(r.getCode())}};
  auto detail = r.getDetail();
  if (detail.size() > max_close_detail)
    return bad_field(field + ".detail exceeds " + std::to_string(max_close_detail) + " bytes");
  return stream_message{T{r.getSubscription(), code, std::string(detail.cStr(), detail.size())}};
}

result<stream_message> read_stream(schema::StreamMessage::Reader r) {
  using M = schema::StreamMessage;
  switch (r.which()) {
    case M::SUBSCRIBE: return read_subscribe(r.getSubscribe());
    case M::ACCEPTED: return read_accepted(r.getAccepted());
    case M::BATCH: return read_batch(r.getBatch());
    case M::CREDIT: return read_credit(r.getCredit());
    case M::CLOSE: return read_close<stream_close>(r.getClose(), "close");
    case M::UNSUBSCRIBE: return read_close<unsubscribe>(r.getUnsubscribe(), "unsubscribe");
  }
  return unexpected{decode_error{decode_errc::unknown_kind,
                                 "stream message kind " + std::to_string(r.which())}};
}

/// Words a message needs, so a batch is built in one first segment rather
/// than in segments that double as it grows.
unsigned size_hint(const stream_message& m) {
  auto* b = std::get_if<batch>(&m);
  if (b == nullptr)
    return capnp::SUGGESTED_FIRST_SEGMENT_WORDS;
  auto words = b->payload_bytes() / sizeof(capnp::word) + 2 * b->datums.size() + 16;
  return static_cast<unsigned>(std::min<std::size_t>(words, 1u << 27));
}

} // namespace

bytes encode_stream_message(const stream_message& m) {
  capnp::MallocMessageBuilder builder(size_hint(m));
  std::visit(stream_writer{builder.initRoot<schema::StreamMessage>()}, m);
  return detail::to_bytes(builder);
}

expected<stream_message, decode_error> decode_stream_message(byte_view data,
                                                             const decode_limits& limits) {
  return detail::read_message<schema::StreamMessage, stream_message>(data, limits.max_bytes,
                                                                     limits, &read_stream);
}

} // namespace mosaik::codec
