#include "actors/streams/stream_metrics.hpp"

namespace mosaik::streams {

namespace {

metrics::labels labels_of(const stream_id& s) {
  return {{"stream", s.short_hex()}};
}

/// Adds what `now` counted since `seen` and remembers it.
void carry(metrics::counter& c, std::uint64_t& seen, std::uint64_t now) {
  c.inc(now - seen);
  seen = now;
}

} // namespace

producer_metrics::producer_metrics(std::shared_ptr<metrics::registry> r, const stream_id& stream)
  : accepted_(r->counter("mosaik.streams.producer.consumers.accepted", labels_of(stream))),
    rejected_(r->counter("mosaik.streams.producer.consumers.rejected", labels_of(stream))),
    items_sent_(r->counter("mosaik.streams.producer.items.sent", labels_of(stream))),
    bytes_sent_(r->counter("mosaik.streams.producer.bytes.sent", labels_of(stream))),
    items_dropped_(r->counter("mosaik.streams.producer.items.dropped", labels_of(stream))),
    datums_total_(r->counter("mosaik.streams.datums.total")),
    bytes_total_(r->counter("mosaik.streams.bytes.total")),
    consumers_(r->gauge("mosaik.streams.producer.consumers", labels_of(stream))) {}

void producer_metrics::update(const producer_counters& now, std::size_t subscriptions) {
  auto sent_before = seen_.items_sent, bytes_before = seen_.bytes_sent;
  carry(accepted_, seen_.consumers_accepted, now.consumers_accepted);
  carry(rejected_, seen_.consumers_rejected, now.consumers_rejected);
  carry(items_sent_, seen_.items_sent, now.items_sent);
  carry(bytes_sent_, seen_.bytes_sent, now.bytes_sent);
  carry(items_dropped_, seen_.items_dropped, now.items_dropped);
  datums_total_.inc(now.items_sent - sent_before);
  bytes_total_.inc(now.bytes_sent - bytes_before);
  consumers_.set(static_cast<double>(subscriptions));
}

consumer_metrics::consumer_metrics(std::shared_ptr<metrics::registry> r, const stream_id& stream)
  : items_received_(r->counter("mosaik.streams.consumer.items.received", labels_of(stream))),
    bytes_received_(r->counter("mosaik.streams.consumer.bytes.received", labels_of(stream))),
    datums_total_(r->counter("mosaik.streams.datums.total")),
    bytes_total_(r->counter("mosaik.streams.bytes.total")),
    producers_(r->gauge("mosaik.streams.consumer.producers", labels_of(stream))) {}

void consumer_metrics::update(const consumer_counters& now, std::size_t connected) {
  auto items_before = seen_.items_received, bytes_before = seen_.bytes_received;
  carry(items_received_, seen_.items_received, now.items_received);
  carry(bytes_received_, seen_.bytes_received, now.bytes_received);
  datums_total_.inc(now.items_received - items_before);
  bytes_total_.inc(now.bytes_received - bytes_before);
  producers_.set(static_cast<double>(connected));
}

} // namespace mosaik::streams
