#include "tests/unit/raft/interaction_env.hpp"

#include "actors/core/overloaded.hpp"
#include "actors/core/raft/config_change.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace mosaik::raft::testing {

namespace {

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string word; in >> word;)
    out.push_back(word);
  return out;
}

std::uint64_t number(const std::string& text) {
  std::size_t used = 0;
  auto v = std::stoull(text, &used);
  if (used != text.size())
    throw std::runtime_error("not a number: " + text);
  return v;
}

std::uint8_t node_arg(const std::vector<std::string>& args, std::size_t i) {
  if (i >= args.size())
    throw std::runtime_error("missing node number");
  return static_cast<std::uint8_t>(number(args[i]));
}

std::string who(const node_id& id) { return std::to_string(id.raw()[0]); }

std::string who(const std::optional<node_id>& id) { return id ? who(*id) : "-"; }

std::string ids(const std::vector<node_id>& list) {
  std::string out = "(";
  for (const auto& id : list)
    out += (out.size() > 1 ? "," : "") + who(id);
  return out + ")";
}

std::string entry_text(const entry& e) {
  auto out = std::to_string(e.index) + "/" + std::to_string(e.term);
  switch (e.type) {
    case entry_type::noop: return out + " noop";
    case entry_type::command: return out + " " + std::string(e.data.begin(), e.data.end());
    case entry_type::config_change: break;
  }
  auto c = decode_config_change(e.data);
  if (!c)
    return out + " conf:?";
  static constexpr const char* kinds[] = {"bootstrap", "add_learner", "promote", "demote", "remove"};
  return out + " " + kinds[static_cast<int>(c->kind)] + ":" + who(c->node);
}

std::string entries_text(const std::vector<entry>& ents) {
  std::string out = "[";
  for (const auto& e : ents)
    out += (out.size() > 1 ? ", " : "") + entry_text(e);
  return out + "]";
}

std::string forward_text(const forward_proposal& p) {
  return " id=" + std::to_string(p.id) + " for=t" + std::to_string(p.term);
}

std::string forward_text(const proposal_response& p) {
  static constexpr const char* answers[] = {"accepted", "not_leader", "unknown"};
  return " id=" + std::to_string(p.id) + " " + answers[static_cast<int>(p.answer)] + " at="
         + std::to_string(p.index) + "/" + std::to_string(p.term);
}

/// A batch as its items, each as its single message would read.
template <class Item>
std::string batch_text(const std::vector<Item>& items) {
  std::string text = " [";
  for (const auto& item : items)
    text += (text.size() > 2 ? ";" : "") + forward_text(item);
  return text + " ]";
}

} // namespace

std::string describe(const message& m) {
  auto head = who(m.from) + "->" + who(m.to) + " t" + std::to_string(m.term) + " "
              + std::string(kind_name(m));
  auto tail = std::visit(
    overloaded{
      [](const append_request& a) {
        return " prev=" + std::to_string(a.prev_index) + "/" + std::to_string(a.prev_term)
               + " commit=" + std::to_string(a.commit) + " " + entries_text(a.entries);
      },
      [](const append_response& a) {
        return std::string(a.reject ? " reject=" : " index=") + std::to_string(a.index)
               + (a.reject ? " hint=" + std::to_string(a.hint) : "");
      },
      [](const heartbeat_request& h) { return " commit=" + std::to_string(h.commit); },
      [](const heartbeat_response&) { return std::string(); },
      [](const vote_request& v) {
        return " last=" + std::to_string(v.last_index) + "/" + std::to_string(v.last_term);
      },
      [](const vote_response& v) { return std::string(v.granted ? " granted" : " refused"); },
      [](const snapshot_request& s) {
        return " at=" + std::to_string(s.meta.index) + "/" + std::to_string(s.meta.term);
      },
      [](const forward_proposal& p) { return forward_text(p); },
      [](const proposal_response& p) { return forward_text(p); },
      [](const forward_proposal_batch& b) { return batch_text(b.proposals); },
      [](const proposal_response_batch& b) { return batch_text(b.responses); },
      [](const forward_read& r) { return " id=" + std::to_string(r.id); },
      [](const read_response& r) {
        return " id=" + std::to_string(r.id) + (r.ok ? " at=" + std::to_string(r.index) : " failed");
      },
    },
    m.body);
  return head + tail;
}

script parse_script(const std::string& text) {
  script s;
  std::istringstream in(text);
  std::vector<std::string> comments;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') {
      comments.push_back(line);
      continue;
    }
    script_block b;
    b.comments = std::move(comments);
    comments.clear();
    b.command = line;
    std::string sep;
    if (!std::getline(in, sep) || sep != "----")
      throw std::runtime_error("'----' expected after '" + line + "'");
    for (std::string out; std::getline(in, out) && !out.empty();)
      b.expected += out + "\n";
    s.blocks.push_back(std::move(b));
  }
  s.trailer = std::move(comments);
  return s;
}

std::string render_script(const script& s) {
  std::string out;
  for (const auto& b : s.blocks) {
    for (const auto& c : b.comments)
      out += c + "\n";
    out += b.command + "\n----\n" + b.actual + "\n";
  }
  for (const auto& c : s.trailer)
    out += c + "\n";
  // A blank line closes each block; drop the one after the last if nothing follows.
  while (out.size() >= 2 && out.ends_with("\n\n"))
    out.pop_back();
  return out;
}

test_cluster& interaction_env::c() {
  if (!c_)
    throw std::runtime_error("no cluster yet: start with 'cluster N'");
  return *c_;
}

void interaction_env::hold_all() {
  for (std::uint8_t n = 1; n <= nodes_; ++n)
    c_->hold.insert(nid(n));
}

std::string interaction_env::cmd_cluster(const std::vector<std::string>& args) {
  nodes_ = node_arg(args, 1);
  struct option {
    std::uint8_t node = 0; // 0: every node
    std::string key;
    std::uint64_t value = 0;
  };
  std::vector<option> options;
  for (std::size_t i = 2; i < args.size(); ++i) {
    auto eq = args[i].find('=');
    if (eq == std::string::npos)
      throw std::runtime_error("key=value expected: " + args[i]);
    option o;
    o.key = args[i].substr(0, eq);
    if (auto dot = o.key.find('.'); o.key[0] == 'n' && dot != std::string::npos) {
      o.node = static_cast<std::uint8_t>(number(o.key.substr(1, dot - 1)));
      o.key = o.key.substr(dot + 1);
    }
    auto value = args[i].substr(eq + 1);
    o.value = value == "true" ? 1 : value == "false" ? 0 : number(value);
    options.push_back(o);
  }
  c_ = std::make_unique<test_cluster>(nodes_, [&](config& cfg) {
    for (const auto& [node, key, v] : options) {
      if (node != 0 && nid(node) != cfg.id)
        continue;
      if (key == "max_inflight")
        cfg.max_inflight = v;
      else if (key == "check_quorum")
        cfg.check_quorum = v != 0;
      else if (key == "pre_vote")
        cfg.pre_vote = v != 0;
      else if (key == "member_timeout")
        cfg.ticks.member_timeout = static_cast<std::uint32_t>(v);
      else if (key == "max_voters")
        cfg.max_voters = v;
      else if (key == "min_voters")
        cfg.min_voters = v;
      else if (key == "max_append_bytes")
        cfg.max_append_bytes = v;
      else
        throw std::runtime_error("unknown option " + key);
    }
  });
  hold_all();
  return "ok";
}

std::string interaction_env::deliver(std::uint8_t from, std::uint8_t to, std::size_t count,
                                     bool keep_copy, bool drop) {
  auto& held = c().held;
  std::vector<message> picked;
  for (auto it = held.begin(); it != held.end() && picked.size() < count;) {
    if (it->from == nid(from) && it->to == nid(to)) {
      picked.push_back(*it);
      it = keep_copy ? std::next(it) : held.erase(it);
    } else {
      ++it;
    }
  }
  if (picked.empty())
    return "no message " + std::to_string(from) + "->" + std::to_string(to);
  std::string out;
  for (const auto& m : picked) {
    out += (drop ? "dropped " : "") + describe(m) + "\n";
    if (!drop && !c().at(to).crashed)
      c().node(to).step(m);
  }
  process();
  out.pop_back();
  return out;
}

void interaction_env::stabilize(const std::set<node_id>& among) {
  auto moves = [&](const message& m) {
    return among.empty() || (among.contains(m.from) && among.contains(m.to));
  };
  for (int round = 0; round < 10000; ++round) {
    std::vector<message> batch;
    auto& held = c().held;
    for (auto it = held.begin(); it != held.end();) {
      if (moves(*it)) {
        batch.push_back(std::move(*it));
        it = held.erase(it);
      } else {
        ++it;
      }
    }
    if (batch.empty())
      return;
    for (const auto& m : batch)
      if (c().deliverable(m))
        c().node(m.to.raw()[0]).step(m);
    process();
  }
}

std::set<node_id> interaction_env::nodes_from(const std::vector<std::string>& args,
                                              std::size_t first) {
  std::set<node_id> out;
  for (auto i = first; i < args.size(); ++i)
    out.insert(nid(node_arg(args, i)));
  return out;
}

std::string interaction_env::status(std::uint8_t n) {
  auto& t = c().at(n);
  auto line = std::to_string(n) + ": ";
  if (t.crashed)
    return line + "down";
  auto st = t.node->status();
  return line + std::string(to_string(st.soft.role)) + " t" + std::to_string(st.soft.term)
         + " leader=" + who(st.soft.leader) + " vote=" + who(st.hard.vote) + " commit="
         + std::to_string(st.hard.commit) + " applied=" + std::to_string(st.applied) + " last="
         + std::to_string(st.last_index) + " first=" + std::to_string(t.store.first_index())
         + " voters=" + ids(st.config.voters) + " learners=" + ids(st.config.learners);
}

std::string interaction_env::log(std::uint8_t n) {
  const auto& s = c().at(n).store;
  auto ents = s.entries(s.first_index(), s.last_index() + 1, ~std::size_t{0});
  auto snap = s.snapshot();
  std::string out = "snapshot " + std::to_string(snap.index) + "/" + std::to_string(snap.term);
  for (const auto& e : ents ? *ents : std::vector<entry>{})
    out += "\n" + entry_text(e);
  return out;
}

std::string interaction_env::run(const std::string& command) {
  auto args = split(command);
  if (args.empty())
    throw std::runtime_error("empty command");
  const auto& cmd = args[0];
  auto arg = [&](std::size_t i, std::uint64_t fallback) {
    return i < args.size() ? number(args[i]) : fallback;
  };
  auto all = ~std::size_t{0};
  if (cmd == "cluster")
    return cmd_cluster(args);
  if (cmd == "form-group") {
    c().hold.clear();
    bool formed = c().form_group(arg(1, nodes_));
    hold_all();
    std::string out = formed ? "formed" : "not formed";
    for (std::uint8_t n = 1; n <= nodes_; ++n)
      out += "\n" + status(n);
    return out;
  }
  if (cmd == "propose" || cmd == "read-index") {
    auto n = node_arg(args, 1);
    auto id = arg(2, 0);
    if (cmd == "propose") {
      auto text = args.size() > 3 ? args[3] : std::string("x");
      c().node(n).propose(id, bytes(text.begin(), text.end()));
    } else {
      c().node(n).read_index(id);
    }
    process();
    return "ok";
  }
  if (cmd == "tick") {
    auto n = node_arg(args, 1);
    for (auto k = arg(2, 1); k > 0; --k) {
      c().node(n).tick();
      process();
    }
    return "ok";
  }
  if (cmd == "run") {
    auto among = nodes_from(args, 2);
    for (auto k = arg(1, 1); k > 0; --k) {
      for (std::uint8_t n = 1; n <= nodes_; ++n)
        if (!c().at(n).crashed)
          c().node(n).tick();
      process();
      stabilize(among);
    }
    return "ok";
  }
  if (cmd == "deliver" || cmd == "drop" || cmd == "dup")
    return deliver(node_arg(args, 1), node_arg(args, 2), cmd == "dup" ? 1 : arg(3, all),
                   cmd == "dup", cmd == "drop");
  if (cmd == "stabilize") {
    stabilize(nodes_from(args, 1));
    return "ok";
  }
  if (cmd == "msgs") {
    std::string out;
    for (const auto& m : c().held)
      out += (out.empty() ? "" : "\n") + describe(m);
    return out.empty() ? "none" : out;
  }
  if (cmd == "crash" || cmd == "restart" || cmd == "isolate") {
    auto n = node_arg(args, 1);
    if (cmd == "crash")
      c().crash(n);
    else if (cmd == "restart")
      c().restart(n);
    else
      c().isolate(n);
    process();
    return "ok";
  }
  if (cmd == "wipe") {
    auto n = node_arg(args, 1);
    if (!c().at(n).crashed)
      c().crash(n);
    c().at(n).store = memory_storage{};
    return "ok";
  }
  if (cmd == "join") {
    c().node(node_arg(args, 1)).peer_joined({nid(node_arg(args, 2)), {}, false});
    process();
    return "ok";
  }
  if (cmd == "lineage") {
    std::string out;
    for (std::uint8_t n = 1; n <= nodes_; ++n) {
      auto& t = c().at(n);
      out += (out.empty() ? "" : "\n") + std::to_string(n) + ": "
             + (t.crashed ? "down" : t.node->lineage().is_zero() ? "none"
                                                                 : t.node->lineage().short_hex());
    }
    return out;
  }
  if (cmd == "cut") {
    c().cut(node_arg(args, 1), node_arg(args, 2));
    return "ok";
  }
  if (cmd == "heal") {
    c().heal();
    return "ok";
  }
  if (cmd == "compact") {
    auto n = node_arg(args, 1);
    auto& store = c().at(n).store;
    auto upto = arg(2, c().node(n).applied());
    auto term = store.term(upto);
    auto conf = configuration_at(store, upto);
    if (!term || !conf || !store.compact(upto, *term, *conf))
      return "cannot compact through " + std::to_string(upto);
    store.sync();
    return "compacted through " + std::to_string(upto);
  }
  if (cmd == "install-snapshot") {
    auto n = node_arg(args, 1);
    auto& needed = c().at(n).snapshot_needed;
    if (!needed)
      return "no snapshot asked for";
    auto outcome = c().node(n).install_snapshot(*needed);
    auto at = needed->index;
    needed.reset();
    process();
    return std::string{mosaik::raft::to_string(outcome)} + " " + std::to_string(at);
  }
  if (cmd == "depart") {
    auto n = node_arg(args, 1);
    for (std::uint8_t k = 1; k <= nodes_; ++k)
      if (k != n && !c().at(k).crashed)
        c().node(k).peer_departed(nid(n));
    c().crash(n);
    process();
    return "ok";
  }
  if (cmd == "lose") {
    c().node(node_arg(args, 1)).peer_lost(nid(node_arg(args, 2)));
    process();
    return "ok";
  }
  if (cmd == "status") {
    std::string out;
    for (std::uint8_t n = 1; n <= nodes_; ++n) {
      bool listed = args.size() == 1
                    || std::find(args.begin() + 1, args.end(), std::to_string(n)) != args.end();
      if (listed)
        out += (out.empty() ? "" : "\n") + status(n);
    }
    return out;
  }
  if (cmd == "log")
    return log(node_arg(args, 1));
  if (cmd == "applied")
    return entries_text(c().at(node_arg(args, 1)).applied);
  if (cmd == "proposals") {
    std::string out;
    for (const auto& p : c().at(node_arg(args, 1)).proposals)
      out += (out.empty() ? "" : "\n") + std::to_string(p.id) + " "
             + std::string(to_string(p.outcome)) + " at " + std::to_string(p.index) + "/"
             + std::to_string(p.term);
    return out.empty() ? "none" : out;
  }
  throw std::runtime_error("unknown command " + cmd);
}

} // namespace mosaik::raft::testing
