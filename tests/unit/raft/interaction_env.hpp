#pragma once
// Scripted, deterministic Raft scenarios over test_cluster, in the style of
// etcd-io/raft's datadriven interaction tests (interaction_env*.go,
// testdata/*.txt). A script is a list of blocks:
//
//   # comment
//   command arg ... key=value
//   ----
//   expected output (no blank lines)
//   <blank line>
//
// Messages do not move by themselves: every message a node sends waits in
// one queue (`msgs` shows it) until `deliver`, `drop`, `dup` or `stabilize`
// moves it. Commands (nodes are numbered from 1):
//   cluster N [key=value ...]  options of every node, or of node K as nK.key=value:
//             max_inflight check_quorum pre_vote member_timeout max_voters
//             min_voters max_append_bytes
//   form-group V        tick and deliver until V voters commit everything
//   propose N ID TEXT   read-index N ID
//   tick N [COUNT]      ticks one node; its messages queue up
//   run TICKS [N...]    TICKS times: tick every live node, then stabilize
//   deliver F T [K]     the first K (default all) queued messages F->T
//   drop F T [K]        dup F T (the first queued F->T message twice)
//   stabilize [N...]    deliver until nothing moves (cut links and crashed
//                       nodes lose their messages); with nodes listed, only
//                       messages among them move, the others stay queued
//   msgs                crash N   restart N   isolate N   cut A B   heal
//   wipe N              crash N and empty its store (restart brings it back)
//   join A B            A bonds to B
//   compact N [INDEX]   compact N's store through INDEX (default: applied)
//   install-snapshot N  install the snapshot the leader asked N for
//   depart N            N leaves gracefully: every other node hears it, N stops
//   lose A B            A's bond to B closes without a departure
//   status [N...]       log N   applied N   proposals N   lineage

#include "tests/unit/raft/test_cluster.hpp"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace mosaik::raft::testing {

struct script_block {
  std::vector<std::string> comments; // lines before the command
  std::string command;
  std::string expected;
  std::string actual;
};

struct script {
  std::vector<script_block> blocks;
  std::vector<std::string> trailer; // comments after the last block
};

/// Parses a script; throws std::runtime_error on a malformed one.
script parse_script(const std::string& text);
/// The script with each block's actual output in place of the expected.
std::string render_script(const script& s);

class interaction_env {
public:
  /// Runs one command line and returns what it prints ("ok" when nothing).
  std::string run(const std::string& command);

private:
  std::string cmd_cluster(const std::vector<std::string>& args);
  std::string deliver(std::uint8_t from, std::uint8_t to, std::size_t count, bool keep_copy,
                      bool drop);
  /// Delivers until nothing moves among `among` (every node when empty).
  void stabilize(const std::set<node_id>& among);
  std::set<node_id> nodes_from(const std::vector<std::string>& args, std::size_t first);
  void process() { c_->stabilize(); } // with every node held: handles readies only
  void hold_all();
  std::string status(std::uint8_t n);
  std::string log(std::uint8_t n);
  test_cluster& c();

  std::unique_ptr<test_cluster> c_;
  std::uint8_t nodes_ = 0;
};

/// One message as a line: "1->2 t3 append prev=5/3 commit=5 [6/3 cmd:x]".
std::string describe(const message& m);

} // namespace mosaik::raft::testing
