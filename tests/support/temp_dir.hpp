#pragma once
// A fresh directory under the system temp dir, removed with its contents
// when the object goes away.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace mosaik::test {

class temp_dir {
public:
  explicit temp_dir(const std::string& prefix) {
    auto pattern = (std::filesystem::temp_directory_path() / ("mosaik-" + prefix + "-XXXXXX"))
                     .string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

} // namespace mosaik::test
