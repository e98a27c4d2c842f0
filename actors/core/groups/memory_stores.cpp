#include "actors/core/groups/memory_stores.hpp"

#include "actors/core/check.hpp"
#include "actors/core/groups/store_persister.hpp"

namespace mosaik::groups {

namespace {

class memory_group_store final : public group_store {
public:
  explicit memory_group_store(std::shared_ptr<raft::memory_storage> s)
    : s_(std::move(s)), writer_(*s_, [s = s_.get()] { s->sync(); }) {}

  const raft::storage& storage() const override { return *s_; }
  raft::storage_result<persist_mode> persist(const raft::ready& rd) override {
    return writer_.persist(rd);
  }
  raft::storage_result<bool> write(const durable_write& w) { return writer_.write(w); }

private:
  std::shared_ptr<raft::memory_storage> s_;
  store_persister writer_;
};

} // namespace

raft::storage_result<std::unique_ptr<group_store>> memory_stores::open(const group_id& g) {
  auto& s = stores_[g];
  if (!s)
    s = std::make_shared<raft::memory_storage>();
  return std::unique_ptr<group_store>{std::make_unique<memory_group_store>(s)};
}

std::vector<raft::storage_result<bool>> memory_stores::commit(std::span<const store_write> writes) {
  std::vector<raft::storage_result<bool>> results;
  for (const auto& w : writes) {
    auto* store = dynamic_cast<memory_group_store*>(w.store);
    MOSAIK_CHECK(store != nullptr && w.write != nullptr, "memory_stores: a commit of a store it did not open");
    results.push_back(store->write(*w.write));
  }
  return results;
}

std::shared_ptr<raft::memory_storage> memory_stores::storage_of(const group_id& g) const {
  auto i = stores_.find(g);
  return i == stores_.end() ? nullptr : i->second;
}

} // namespace mosaik::groups
