// The child of the storage crash test: appends batches of entries to two
// groups in one group commit each, and after every commit writes the
// committed indexes to stdout, one per line, until it is killed.
//   storage_crash_child <dir> <generation> <seed>
#include "persistence/group_log_store.hpp"
#include "persistence/node_store.hpp"
#include "tests/proc/crash_workload.hpp"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unistd.h>

using namespace mosaik;

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "storage_crash_child: %s\n", what.c_str());
  return 2;
}

bool write_all(const std::string& text) {
  const char* p = text.data();
  auto left = text.size();
  while (left > 0) {
    auto n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0)
      return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4)
    return fail("usage: storage_crash_child <dir> <generation> <seed>");
  raft::term_t generation = std::strtoull(argv[2], nullptr, 10);
  std::mt19937_64 rng(std::strtoull(argv[3], nullptr, 10) * 1000 + generation);
  auto node = persistence::node_store::open(argv[1]);
  if (!node)
    return fail("open: " + node.error().detail);
  std::array<std::unique_ptr<persistence::group_log_store>, 2> stores;
  for (std::size_t k = 0; k < stores.size(); ++k) {
    auto g = (*node)->open_group(test::crash::groups[k]);
    if (!g)
      return fail("open group: " + g.error().detail);
    stores[k] = std::move(*g);
  }
  // Bounded, so an orphan stops by itself.
  for (int batch = 0; batch < 100000; ++batch) {
    auto first = stores[0]->last_index() + 1;
    auto count = 1 + rng() % 16;
    std::vector<raft::entry> entries;
    for (raft::index_t i = first; i < first + count; ++i)
      entries.push_back({i, generation, raft::entry_type::command, test::crash::payload(i, generation)});
    raft::hard_state hs{generation, std::nullopt, entries.back().index};
    std::vector<persistence::group_write> writes{{stores[0].get(), entries, hs},
                                                 {stores[1].get(), entries, hs}};
    if (auto r = (*node)->commit(writes); !r)
      return fail("commit: " + r.error().detail);
    std::string report;
    for (const auto& e : entries)
      report += std::to_string(e.index) + "\n";
    if (!write_all(report))
      return fail("the parent stopped reading");
  }
  return 0;
}
