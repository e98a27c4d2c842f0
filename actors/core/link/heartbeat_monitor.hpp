#pragma once
// Dead-link detection: a link sends a heartbeat every interval and counts the
// intervals in which nothing at all arrived from the peer. Any frame counts
// as a sign of life, not only heartbeat acks.

namespace mosaik::link {

class heartbeat_monitor {
public:
  explicit heartbeat_monitor(unsigned miss_budget) : budget_(miss_budget) {}

  /// Something arrived from the peer.
  void heard() { heard_ = true; }

  /// Called once per heartbeat interval. False once `miss_budget` intervals
  /// in a row passed in silence: the link is dead.
  bool tick() {
    missed_ = heard_ ? 0 : missed_ + 1;
    heard_ = false;
    return missed_ < budget_;
  }

  unsigned missed() const { return missed_; }

private:
  unsigned budget_;
  unsigned missed_ = 0;
  bool heard_ = false;
};

} // namespace mosaik::link
