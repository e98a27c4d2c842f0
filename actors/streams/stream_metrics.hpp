#pragma once
// The series of one producer or consumer in the node's registry (FEATURES
// section 10 names, labelled with the short stream id). The engines count;
// these carry the counts over, by difference, after every change.

#include "actors/core/ids/ids.hpp"
#include "actors/core/streams/consumer_engine.hpp"
#include "actors/core/streams/producer_engine.hpp"
#include "actors/metrics/registry.hpp"

#include <memory>

namespace mosaik::streams {

class producer_metrics {
public:
  producer_metrics(std::shared_ptr<metrics::registry> registry, const stream_id& stream);
  void update(const producer_counters& now, std::size_t subscriptions);

private:
  producer_counters seen_;
  metrics::counter accepted_, rejected_, items_sent_, bytes_sent_, items_dropped_, datums_total_,
    bytes_total_;
  metrics::gauge consumers_;
};

class consumer_metrics {
public:
  consumer_metrics(std::shared_ptr<metrics::registry> registry, const stream_id& stream);
  void update(const consumer_counters& now, std::size_t connected);

private:
  consumer_counters seen_;
  metrics::counter items_received_, bytes_received_, datums_total_, bytes_total_;
  metrics::gauge producers_;
};

} // namespace mosaik::streams
