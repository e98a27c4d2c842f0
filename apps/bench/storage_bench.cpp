// Storage benchmark: appends per second and commit latency of the durable
// Raft log (persistence::group_log_store) next to raw LMDB doing the same
// work (same entries, keys, flags and sync mode) in the same run. The two
// alternate transaction by transaction (who goes first alternates too), so
// drift on a shared machine hits both alike.
//
//   mosaik_bench_storage [--dir DIR] [--scale X]
#include "persistence/group_log_store.hpp"
#include "persistence/key_encoding.hpp"
#include "persistence/node_store.hpp"

#include <CLI/CLI.hpp>
#include <lmdb.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

using namespace mosaik;
namespace fs = std::filesystem;
using bench_clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t payload_bytes = 100;
constexpr std::size_t map_size = std::size_t{4} << 30;

struct workload {
  std::size_t batch;        // entries per transaction
  std::size_t transactions; // per side, over all rounds
};

/// Commit latencies of one side, in seconds.
struct samples {
  std::vector<double> latencies;
  std::size_t entries = 0;

  double appends_per_second() const {
    double total = 0;
    for (auto l : latencies)
      total += l;
    return static_cast<double>(entries) / total;
  }
  double percentile_ms(double p) const {
    auto sorted = latencies;
    std::sort(sorted.begin(), sorted.end());
    auto at = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
    return sorted[at] * 1e3;
  }
};

void check(int rc, const char* what) {
  if (rc != MDB_SUCCESS)
    throw std::runtime_error(std::string(what) + ": " + mdb_strerror(rc));
}

/// Raw LMDB: one named database of big-endian index -> 100-byte value,
/// MDB_APPEND puts, the environment flags the store uses.
class raw_lmdb {
public:
  explicit raw_lmdb(const fs::path& dir) {
    check(mdb_env_create(&env_), "mdb_env_create");
    check(mdb_env_set_mapsize(env_, map_size), "mdb_env_set_mapsize");
    check(mdb_env_set_maxdbs(env_, 4), "mdb_env_set_maxdbs");
    check(mdb_env_open(env_, dir.c_str(), MDB_NOTLS, 0600), "mdb_env_open");
    MDB_txn* txn = nullptr;
    check(mdb_txn_begin(env_, nullptr, 0, &txn), "mdb_txn_begin");
    check(mdb_dbi_open(txn, "log", MDB_CREATE, &dbi_), "mdb_dbi_open");
    check(mdb_txn_commit(txn), "mdb_txn_commit");
  }
  raw_lmdb(const raw_lmdb&) = delete;
  raw_lmdb& operator=(const raw_lmdb&) = delete;
  ~raw_lmdb() { mdb_env_close(env_); }

  void append(std::uint64_t first, std::size_t count, const bytes& payload) {
    MDB_txn* txn = nullptr;
    check(mdb_txn_begin(env_, nullptr, 0, &txn), "mdb_txn_begin");
    for (std::size_t k = 0; k < count; ++k) {
      auto key = persistence::encode_index(first + k);
      MDB_val kv{key.size(), key.data()};
      MDB_val vv{payload.size(), const_cast<std::uint8_t*>(payload.data())};
      check(mdb_put(txn, dbi_, &kv, &vv, MDB_APPEND), "mdb_put");
    }
    check(mdb_txn_commit(txn), "mdb_txn_commit");
  }

private:
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

double seconds_of(const std::function<void()>& work) {
  auto start = bench_clock::now();
  work();
  return std::chrono::duration<double>(bench_clock::now() - start).count();
}

void print_row(std::size_t batch, const char* side, const samples& s) {
  std::printf("%6zu  %-7s %12.0f %10.3f %10.3f\n", batch, side, s.appends_per_second(),
              s.percentile_ms(0.50), s.percentile_ms(0.99));
}

/// Both sides, every workload, printed as a table.
void run(const fs::path& root, double scale) {
  persistence::store_options options;
  options.map_size = map_size;
  auto node = persistence::node_store::open(root / "mosaik", options);
  if (!node)
    throw std::runtime_error("open: " + node.error().detail);
  auto opened = (*node)->open_group(group_id::from("bench"));
  if (!opened)
    throw std::runtime_error("open group: " + opened.error().detail);
  auto store = std::move(*opened);
  raw_lmdb raw(root / "raw");

  bytes payload(payload_bytes);
  for (std::size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<std::uint8_t>(i * 13);

  std::printf("storage benchmark: %zu-byte payloads, LMDB default sync mode, in %s\n",
              payload_bytes, root.c_str());
  std::printf("ratio = mosaik / raw LMDB (appends/s: higher is better; latency: lower is better)\n");
  std::printf("%6s  %-7s %12s %10s %10s\n", "batch", "store", "appends/s", "p50 ms", "p99 ms");
  std::vector<workload> workloads{{1, 5000}, {100, 1000}, {1000, 200}};
  std::uint64_t ours_next = store->last_index() + 1;
  std::uint64_t raw_next = 1;
  for (auto w : workloads) {
    auto transactions = std::max<std::size_t>(
      1, static_cast<std::size_t>(static_cast<double>(w.transactions) * scale));
    samples ours;
    samples theirs;
    std::vector<raft::entry> batch(w.batch, raft::entry{0, 1, raft::entry_type::command, payload});
    auto run_ours = [&] {
      for (std::size_t k = 0; k < batch.size(); ++k)
        batch[k].index = ours_next + k;
      ours.latencies.push_back(seconds_of([&] {
        if (auto r = store->append(batch); !r)
          throw std::runtime_error("append: " + r.error().detail);
      }));
      ours_next += w.batch;
      ours.entries += w.batch;
    };
    auto run_raw = [&] {
      theirs.latencies.push_back(seconds_of([&] { raw.append(raw_next, w.batch, payload); }));
      raw_next += w.batch;
      theirs.entries += w.batch;
    };
    for (std::size_t t = 0; t < transactions; ++t) {
      if (t % 2 == 0) {
        run_ours();
        run_raw();
      } else {
        run_raw();
        run_ours();
      }
    }
    print_row(w.batch, "mosaik", ours);
    print_row(w.batch, "lmdb", theirs);
    std::printf("%6zu  ratio   %12.2f %10.2f %10.2f\n",
                w.batch, ours.appends_per_second() / theirs.appends_per_second(),
                ours.percentile_ms(0.50) / theirs.percentile_ms(0.50),
                ours.percentile_ms(0.99) / theirs.percentile_ms(0.99));
  }
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Durable Raft log vs raw LMDB: appends/s and commit latency", "mosaik_bench_storage"};
  std::string dir_option;
  double scale = 1.0;
  app.add_option("--dir", dir_option,
                 "directory (on the disk to measure) for a scratch subdirectory; default: the "
                 "system temp dir");
  app.add_option("--scale", scale, "multiplies the number of transactions")
    ->check(CLI::Range(0.01, 100.0));
  CLI11_PARSE(app, argc, argv);

  auto parent = dir_option.empty() ? fs::temp_directory_path() : fs::path(dir_option);
  auto root = parent / ("mosaik-bench-storage-" + std::to_string(::getpid()));
  fs::create_directories(root / "mosaik");
  fs::create_directories(root / "raw");
  try {
    run(root, scale);
  } catch (const std::exception& e) {
    std::cerr << "mosaik_bench_storage: " << e.what() << "\n";
    fs::remove_all(root);
    return 1;
  }
  fs::remove_all(root);
  return 0;
}


