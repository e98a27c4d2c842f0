#include "actors/core/discovery/departure.hpp"

#include "actors/core/discovery/canonical_writer.hpp"
#include "actors/core/ids/digest.hpp"

namespace mosaik::discovery {

departure departure::sign(const network_id& network, const secret_key& key,
                          entry_version last_version, millis timestamp) {
  departure d{network, key.public_id(), last_version, timestamp, {}};
  d.sig_ = key.sign(digest::hash(d.signing_bytes()).view());
  return d;
}

bytes departure::signing_bytes() const {
  canonical_writer w{"mosaik.discovery.departure.v1"};
  w.raw(network_.view());
  w.raw(peer_.view());
  w.i64(last_version_.start_ms);
  w.i64(last_version_.update_ms);
  w.i64(timestamp_.count());
  return w.data();
}

bool departure::verify() const {
  return mosaik::verify(peer_, digest::hash(signing_bytes()).view(), sig_);
}

} // namespace mosaik::discovery
