// `mosaik id NAME` and `mosaik keygen --out FILE`.
#include "apps/mosaik/commands.hpp"

#include "actors/core/ids/ids.hpp"
#include "actors/identity/key_file.hpp"

#include <iostream>
#include <memory>
#include <string>

namespace mosaik::cli {

void add_identity_commands(CLI::App& app, command_fn& selected) {
  auto name = std::make_shared<std::string>();
  auto* id = app.add_subcommand("id", "Print the 64-hex id of NAME (64 hex characters are kept as-is)");
  id->add_option("NAME", *name, "The name to hash")->required();
  id->callback([&selected, name] {
    selected = [name] {
      std::cout << unique_id::from(*name).hex() << '\n';
      return 0;
    };
  });

  auto out = std::make_shared<std::string>();
  auto* keygen = app.add_subcommand("keygen", "Write a new secret key (mode 0600) and print its peer id");
  keygen->add_option("--out", *out, "Where to write the key; an existing file is never replaced")
    ->required();
  keygen->callback([&selected, out] {
    selected = [out] {
      auto key = secret_key::generate();
      if (auto saved = save_key(key, *out); !saved) {
        std::cerr << "mosaik keygen: " << saved.error().message << '\n';
        return 1;
      }
      std::cout << key.public_id().hex() << '\n';
      return 0;
    };
  });
}

} // namespace mosaik::cli
