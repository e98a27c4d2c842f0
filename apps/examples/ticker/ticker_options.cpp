#include "apps/examples/ticker/ticker_options.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace mosaik::ticker {

namespace {

void common(CLI::App& cmd, options& o) {
  cmd.add_option("--network", o.network, "Network name (or its 64-hex id)")->required();
  cmd.add_option("--listen", o.listen, "host:port to accept links on; port 0 picks one")->capture_default_str();
  cmd.add_option("--bootstrap", o.bootstrap, "[PEERID@]host:port of a peer to dial (repeatable)");
  cmd.add_option("--data-dir", o.data_dir, "Directory for the node's key (kept across restarts)");
}

} // namespace

parsed parse_options(int argc, char** argv) {
  options o;
  CLI::App app{"mosaik-ticker: numbered price ticks on a mosaik stream", "mosaik-ticker"};
  app.require_subcommand(1);
  auto* produce = app.add_subcommand("produce", "Publish ticks, then keep serving until SIGINT/SIGTERM");
  common(*produce, o);
  produce->add_option("--rate", o.rate, "Ticks per second")->capture_default_str()->check(CLI::PositiveNumber);
  produce->add_option("--count", o.count, "Ticks to publish (0: no end)")->capture_default_str();
  produce->add_option("--pad", o.pad, "Filler bytes in each tick (larger datums)")
    ->capture_default_str()
    ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20));
  auto* consume = app.add_subcommand("consume", "Print each tick as `NUMBER PRICE`; gaps as `gap FIRST COUNT CAUSE`");
  common(*consume, o);
  consume->add_option("--count", o.count, "Exit 0 after this many ticks (0: no end)")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return {std::nullopt, app.exit(e)};
  } catch (const CLI::ParseError& e) {
    std::cerr << "mosaik-ticker: " << e.what() << "\nRun 'mosaik-ticker --help' for usage.\n";
    return {std::nullopt, 2};
  }
  o.produce = produce->parsed();
  return {std::move(o), 0};
}

} // namespace mosaik::ticker
