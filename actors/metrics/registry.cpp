#include "actors/metrics/registry.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

namespace mosaik::metrics {

namespace {

template <typename Metric>
auto builder() {
  if constexpr (std::is_same_v<Metric, prometheus::Counter>)
    return prometheus::BuildCounter();
  else
    return prometheus::BuildGauge();
}

} // namespace

registry::registry(labels common)
  : common_(std::move(common)), store_(std::make_shared<prometheus::Registry>()) {}

registry::~registry() = default;

std::string registry::exposed_name(const std::string& name) {
  auto out = name;
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

template <typename Metric>
Metric& registry::series(const std::string& name, const labels& l) {
  std::lock_guard lock{mutex_};
  auto key = render(name, l);
  if (auto i = series_.find(key); i != series_.end()) {
    if (auto* m = std::get_if<Metric*>(&i->second))
      return **m;
    throw std::invalid_argument("metric " + name + " is registered as another type");
  }
  auto exposed = exposed_name(name);
  auto f = families_.find(exposed);
  if (f == families_.end()) {
    // Registers the family: throws for an invalid name.
    auto& family = builder<Metric>().Name(exposed).Help(name).Labels(common_).Register(*store_);
    f = families_.emplace(exposed, family_entry{name, &family}).first;
  }
  auto* family = std::get_if<prometheus::Family<Metric>*>(&f->second.family);
  if (!family || f->second.name != name)
    throw std::invalid_argument("metric " + name + " clashes with " + f->second.name);
  auto& metric = (*family)->Add(l); // throws for an invalid label name
  series_.emplace(key, &metric);
  return metric;
}

metrics::counter registry::counter(const std::string& name, const labels& l) {
  return metrics::counter{series<prometheus::Counter>(name, l)};
}

metrics::gauge registry::gauge(const std::string& name, const labels& l) {
  return metrics::gauge{series<prometheus::Gauge>(name, l)};
}

double registry::value(const std::string& name, const labels& l) const {
  std::lock_guard lock{mutex_};
  auto i = series_.find(render(name, l));
  if (i == series_.end())
    return 0;
  return std::visit([](const auto* m) { return m->Value(); }, i->second);
}

std::vector<sample> registry::snapshot() const {
  std::lock_guard lock{mutex_};
  std::vector<sample> out;
  out.reserve(series_.size());
  for (const auto& [key, s] : series_)
    out.push_back({key, std::visit([](const auto* m) { return m->Value(); }, s)});
  return out;
}

std::string registry::exposition() const {
  return prometheus::TextSerializer{}.Serialize(store_->Collect());
}

std::shared_ptr<prometheus::Collectable> registry::collectable() const {
  return store_;
}

} // namespace mosaik::metrics
