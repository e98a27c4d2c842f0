#include "actors/groups/lmdb_stores.hpp"

#include "actors/core/check.hpp"
#include "persistence/group_log_store.hpp"
#include "persistence/node_store.hpp"

#include <system_error>

namespace mosaik::groups {

namespace {

class lmdb_group_store final : public group_store {
public:
  lmdb_group_store(std::shared_ptr<persistence::node_store> node,
                   std::unique_ptr<persistence::group_log_store> log)
    : node_(std::move(node)), log_(std::move(log)) {}

  // The log store closes before the environment it lives in.
  ~lmdb_group_store() override { log_.reset(); }

  const raft::storage& storage() const override { return *log_; }

  raft::storage_result<persist_mode> persist(const raft::ready& rd) override {
    if (!rd.snapshot && rd.entries.empty() && !rd.hard && !rd.config)
      return persist_mode::written;
    persistence::group_write w{log_.get(), rd.entries, rd.hard, rd.snapshot, rd.config};
    if (auto r = node_->commit({&w, 1}); !r)
      return unexpected{r.error()};
    return persist_mode::written;
  }

  persistence::group_write share(const durable_write& d) const {
    return {log_.get(), d.entries, d.hard, d.snapshot, d.config};
  }

private:
  std::shared_ptr<persistence::node_store> node_;
  std::unique_ptr<persistence::group_log_store> log_;
};

} // namespace

raft::storage_result<std::shared_ptr<store_provider>> lmdb_stores::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return unexpected{raft::storage_error{raft::storage_errc::io, "cannot create " + dir.string() + ": " + ec.message()}};
  auto node = persistence::node_store::open(dir);
  if (!node)
    return unexpected{node.error()};
  std::shared_ptr<persistence::node_store> shared{std::move(*node)};
  return std::shared_ptr<store_provider>{std::make_shared<lmdb_stores>(std::move(shared))};
}

raft::storage_result<std::unique_ptr<group_store>> lmdb_stores::open(const group_id& g) {
  auto log = node_->open_group(g);
  if (!log)
    return unexpected{log.error()};
  return std::unique_ptr<group_store>{std::make_unique<lmdb_group_store>(node_, std::move(*log))};
}

/// One transaction for all; when it fails, one for each, so that only the
/// failing writes fail (a failed transaction wrote nothing).
std::vector<raft::storage_result<bool>> lmdb_stores::commit(std::span<const store_write> writes) {
  std::vector<persistence::group_write> shares;
  for (const auto& w : writes) {
    auto* store = dynamic_cast<lmdb_group_store*>(w.store);
    MOSAIK_CHECK(store != nullptr && w.write != nullptr, "lmdb_stores: a commit of a store it did not open");
    shares.push_back(store->share(*w.write));
  }
  auto together = node_->commit(shares);
  if (together || shares.size() == 1)
    return std::vector<raft::storage_result<bool>>(shares.size(), together);
  std::vector<raft::storage_result<bool>> results;
  for (const auto& s : shares)
    results.push_back(node_->commit({&s, 1}));
  return results;
}

} // namespace mosaik::groups
