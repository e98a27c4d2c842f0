// Many operations on random members while links break and members restart:
// every operation ends once, replicas agree, a definite failure left no
// trace and a strong read sees every write that completed before it.

#include "actors/core/rng.hpp"
#include "tests/unit/groups/engine_cluster.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace mosaik;
using namespace mosaik::groups;
using namespace mosaik::groups::testing;

namespace {

struct issued {
  std::size_t member = 0;
  std::vector<std::string> commands;
  /// Strong reads of "r": the executes of "add r 1" done when it was issued.
  std::optional<std::int64_t> read_floor;
};

struct run_stats {
  std::size_t executed = 0, fed = 0, queried = 0, failed = 0;
};

class fault_run {
public:
  explicit fault_run(std::uint64_t seed) : rng_(seed) {}

  run_stats run(std::size_t steps) {
    REQUIRE(c_.elect(5));
    for (std::size_t s = 0; s < steps; ++s) {
      step();
      absorb();
    }
    c_.heal();
    c_.run_for(millis{30000});
    absorb();
    check();
    return stats_;
  }

private:
  void step() {
    auto k = static_cast<std::size_t>(rng_.below(c_.size()));
    auto deadline = c_.now() + millis{100 * (10 + rng_.below(50))};
    auto a = rng_.below(24);
    if (a == 0)
      c_.isolate(k);
    else if (a <= 2)
      c_.heal();
    else if (a == 3)
      c_.cut(k, static_cast<std::size_t>(rng_.below(c_.size())));
    else if (a == 4) {
      c_.restart(k);
      c_.bond(k);
    } else if (a <= 10 || a <= 13) {
      std::vector<bytes> cmds;
      issued op{k, {}, {}};
      auto n = 1 + rng_.below(3);
      for (std::uint64_t i = 0; i < n; ++i) {
        // Unique commands, so any of them can be found in the logs; "add r 1"
        // counts writes for the strong reads.
        auto cmd = rng_.below(2) == 0 ? "add r 1"
                                      : "add u" + std::to_string(next_) + "_" + std::to_string(i) + " 1";
        op.commands.push_back(cmd);
        cmds.push_back(to_bytes(cmd));
      }
      ops_[next_] = op;
      if (a <= 10)
        c_.eng(k).execute(next_++, std::move(cmds), deadline, c_.now());
      else
        c_.eng(k).feed(next_++, std::move(cmds), deadline, c_.now());
    } else if (a <= 17) {
      ops_[next_] = {k, {}, r_done_};
      c_.eng(k).query(next_++, to_bytes("r"), consistency::strong, deadline, c_.now());
    } else {
      c_.run_for(millis{100 * (1 + rng_.below(10))});
    }
  }

  /// Takes the new completions and checks what can be checked at once.
  void absorb() {
    c_.settle();
    for (std::size_t k = 0; k < c_.size(); ++k) {
      for (auto& done : c_.at(k).completions) {
        auto id = std::visit([](const auto& x) { return x.id; }, done);
        REQUIRE(ops_.contains(id));
        CHECK(ops_.at(id).member == k);
        CHECK(ended_.insert(id).second); // ends once
        if (auto* e = std::get_if<executed>(&done)) {
          ++stats_.executed;
          const auto& cmds = ops_.at(id).commands;
          REQUIRE(e->results.size() == cmds.size());
          for (std::size_t i = 0; i < cmds.size(); ++i) {
            REQUIRE(e->results[i].has_value());
            if (cmds[i] == "add r 1")
              ++r_done_;
            else
              CHECK(text(*e->results[i]) == "1");
          }
          executed_.push_back(id);
        } else if (auto* q = std::get_if<queried>(&done)) {
          ++stats_.queried;
          CHECK(std::stoll(text(q->result)) >= *ops_.at(id).read_floor);
        } else if (std::holds_alternative<fed>(done)) {
          ++stats_.fed;
        } else {
          ++stats_.failed;
          failed_.push_back(std::get<failed>(done));
        }
      }
      c_.at(k).completions.clear();
    }
  }

  void check() {
    CHECK(ended_.size() == ops_.size()); // every operation ended
    // Replicas agree on every index they both applied, and converged.
    for (std::size_t k = 1; k < c_.size(); ++k) {
      CHECK(c_.machine(k).log == c_.machine(0).log);
      CHECK(c_.machine(k).values == c_.machine(0).values);
    }
    std::multiset<std::string> in_log;
    for (const auto& [index, cmd] : c_.machine(0).log)
      in_log.insert(cmd);
    for (auto id : executed_)
      for (const auto& cmd : ops_.at(id).commands)
        CHECK(in_log.count(cmd) >= 1);
    for (const auto& f : failed_) {
      for (const auto& cmd : f.failure.unsent)
        if (text(cmd) != "add r 1")
            CHECK_MESSAGE(in_log.count(text(cmd)) == 0, "unsent but applied: ", text(cmd));
      if (is_definite(f.failure.code))
        CHECK(f.failure.unsent.size() == ops_.at(f.id).commands.size());
    }
    CHECK(c_.machine(0).values["r"] >= r_done_);
  }

  engine_cluster c_{5};
  rng rng_;
  op_id next_ = 1;
  std::map<op_id, issued> ops_;
  std::set<op_id> ended_;
  std::vector<op_id> executed_;
  std::vector<failed> failed_;
  std::int64_t r_done_ = 0;
  run_stats stats_;
};

} // namespace

TEST_CASE("random partitions and restarts keep replicas and answers consistent") {
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    CAPTURE(seed);
    auto stats = fault_run(seed).run(400);
    MESSAGE("seed ", seed, ": executed ", stats.executed, " fed ", stats.fed, " queried ",
            stats.queried, " failed ", stats.failed);
    // The run exercised both outcomes.
    CHECK(stats.executed > 10);
    CHECK(stats.failed > 10);
    CHECK(stats.queried > 10);
  }
}
