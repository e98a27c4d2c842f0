#pragma once
// A client of a kv_cluster that writes fresh keys, one PUT at a time, to
// every node in turn, and records what each answer promised: 200 applied,
// 503 definitely not applied, anything else (504, no answer) unknown. Each
// key is written once, so the check is per key: an applied write is on
// every node, a refused one on none.
#include "tests/proc/kv_cluster.hpp"

#include <atomic>
#include <thread>

namespace mosaik::test {

enum class promise { applied, not_applied, unknown };

struct write_record {
  std::string key;
  std::string value;
  promise said = promise::unknown;
  int status = 0; // 0: no answer
};

class kv_writer {
public:
  /// Its keys are `prefix` k0, k1, ...
  explicit kv_writer(const kv_cluster& c, std::string prefix = "")
    : cluster_(c), prefix_(std::move(prefix)), thread_([this] { run(); }) {}
  ~kv_writer() { stop(); }

  /// Ends the writes; the history is complete after it.
  void stop() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
  }
  std::size_t applied() const { return applied_; }
  /// Only after stop().
  const std::vector<write_record>& history() const { return history_; }
  /// Answers other than 200 {"index": N}, 503, 504 or none; only after stop().
  const std::vector<std::string>& odd_answers() const { return odd_answers_; }

private:
  void run() {
    for (std::size_t i = 0; !stop_; ++i) {
      write_record w{prefix_ + "k" + std::to_string(i), "v" + std::to_string(i) + "-" + std::to_string(i * 7919 % 1000)};
      auto r = cluster_.call(i % cluster_.nodes.size(), "PUT", "/kv/" + w.key, w.value);
      w.status = r ? r->status : 0;
      bool expected = w.status == 0 || w.status == 503 || w.status == 504
                      || (w.status == 200 && r->body.rfind("{\"index\":", 0) == 0);
      if (!expected) // checked by the test's thread: an assertion here would end the process
        odd_answers_.push_back("PUT " + w.key + " answered " + std::to_string(w.status) + ": " + r->body);
      w.said = w.status == 200 ? promise::applied : w.status == 503 ? promise::not_applied : promise::unknown;
      applied_ += w.said == promise::applied;
      history_.push_back(std::move(w));
    }
  }

  const kv_cluster& cluster_;
  std::string prefix_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> applied_{0};
  std::vector<write_record> history_;
  std::vector<std::string> odd_answers_;
  std::thread thread_;
};

struct history_check {
  std::size_t applied = 0, not_applied = 0, unknown = 0;
  std::size_t lost = 0;        // applied but missing (or different) on some node
  std::size_t resurrected = 0; // refused but present on some node
};

/// Reads every applied key from every node, and every refused key from one
/// (after converged(), a refused write applied anyway would be on all of
/// them); weak reads.
inline history_check check_history(const kv_cluster& c, const std::vector<write_record>& h) {
  history_check out;
  for (std::size_t k = 0; k < h.size(); ++k) {
    const auto& w = h[k];
    out.applied += w.said == promise::applied;
    out.not_applied += w.said == promise::not_applied;
    out.unknown += w.said == promise::unknown;
    if (w.said == promise::unknown)
      continue;
    bool bad = false;
    auto n = c.nodes.size();
    auto first = w.said == promise::applied ? 0 : k % n;
    auto end = w.said == promise::applied ? n : first + 1;
    for (auto i = first; i < end; ++i) {
      auto r = c.call(i, "GET", "/kv/" + w.key + "?consistency=weak", {}, 5s);
      bool present = r && r->status == 200 && r->body == w.value;
      bool absent = r && r->status == 404;
      if (w.said == promise::applied ? !present : !absent) {
        MESSAGE("node ", i, " key ", w.key, " said ", (w.said == promise::applied ? "200" : "503"),
                " read ", (r ? std::to_string(r->status) + " " + r->body : std::string{"no answer"}));
        bad = true;
      }
    }
    (w.said == promise::applied ? out.lost : out.resurrected) += bad;
  }
  MESSAGE("history: ", h.size(), " writes, ", out.applied, " applied (200), ", out.not_applied,
          " not applied (503), ", out.unknown, " unknown; lost ", out.lost, ", resurrected ", out.resurrected);
  return out;
}

} // namespace mosaik::test
