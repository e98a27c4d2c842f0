#include "actors/core/streams/conditions.hpp"

#include <algorithm>

namespace mosaik::streams {

struct channel_conditions::node {
  enum class kind : std::uint8_t { leaf, all, any };
  kind k = kind::leaf;
  std::size_t minimum = 0;
  std::vector<tag> tags;
  std::vector<peer_predicate> predicates;
  std::vector<channel_conditions> parts;  // all / any
  bool inverted = false;

  bool counts(const peer_description& p) const {
    const auto& have = p.entry.tags();
    return std::all_of(tags.begin(), tags.end(), [&](const tag& t) { return have.contains(t); })
           && std::all_of(predicates.begin(), predicates.end(),
                          [&](const peer_predicate& f) { return f(p); });
  }

  bool met(std::span<const peer_description> connected) const {
    bool result = false;
    if (k == kind::leaf) {
      auto n = static_cast<std::size_t>(
        std::count_if(connected.begin(), connected.end(), [&](const auto& p) { return counts(p); }));
      result = n >= minimum;
    } else {
      auto holds = [&](const channel_conditions& c) { return c.is_met(connected); };
      result = k == kind::all ? std::all_of(parts.begin(), parts.end(), holds)
                              : std::any_of(parts.begin(), parts.end(), holds);
    }
    return result != inverted;
  }
};

channel_conditions channel_conditions::minimum_of(std::size_t n) {
  auto leaf = std::make_shared<node>();
  leaf->minimum = n;
  return channel_conditions{std::move(leaf)};
}

channel_conditions channel_conditions::with_tags(std::vector<tag> tags) const {
  auto copy = std::make_shared<node>(*node_);
  if (copy->k == node::kind::leaf)
    copy->tags.insert(copy->tags.end(), tags.begin(), tags.end());
  else
    for (auto& part : copy->parts)
      part = part.with_tags(tags);
  return channel_conditions{std::move(copy)};
}

channel_conditions channel_conditions::with_predicate(peer_predicate p) const {
  auto copy = std::make_shared<node>(*node_);
  if (copy->k == node::kind::leaf)
    copy->predicates.push_back(std::move(p));
  else
    for (auto& part : copy->parts)
      part = part.with_predicate(p);
  return channel_conditions{std::move(copy)};
}

channel_conditions channel_conditions::unmet() const {
  auto copy = std::make_shared<node>(*node_);
  copy->inverted = !copy->inverted;
  return channel_conditions{std::move(copy)};
}

channel_conditions channel_conditions::combine(bool all, const channel_conditions& a,
                                               const channel_conditions& b) {
  auto n = std::make_shared<node>();
  n->k = all ? node::kind::all : node::kind::any;
  n->parts = {a, b};
  return channel_conditions{std::move(n)};
}

channel_conditions operator&&(const channel_conditions& a, const channel_conditions& b) {
  return channel_conditions::combine(true, a, b);
}

channel_conditions operator||(const channel_conditions& a, const channel_conditions& b) {
  return channel_conditions::combine(false, a, b);
}

bool channel_conditions::is_met(std::span<const peer_description> connected) const {
  return node_->met(connected);
}

condition_edge condition_watch::update(std::span<const peer_description> connected) {
  bool now_met = cond_.is_met(connected);
  if (now_met == met_)
    return condition_edge::none;
  met_ = now_met;
  return now_met ? condition_edge::became_met : condition_edge::became_unmet;
}

} // namespace mosaik::streams
