#pragma once
// Just enough JSON reading for tests that check `mosaik status --json`
// output: the text of one array by key, split into its top-level objects.
// Brackets inside strings (IPv6 addresses) are skipped.

#include <string>
#include <vector>

namespace mosaik::test {

/// The top-level objects of the array `"key":[...]` (the first one in
/// `text`), each as its own text; empty when the key is missing.
inline std::vector<std::string> json_objects(const std::string& text, const std::string& key) {
  std::vector<std::string> out;
  auto at = text.find("\"" + key + "\":[");
  if (at == std::string::npos)
    return out;
  int depth = 0;
  bool in_string = false;
  std::size_t start = 0;
  for (auto i = at + key.size() + 4; i < text.size(); ++i) {
    char ch = text[i];
    if (in_string) {
      if (ch == '\\')
        ++i;
      else if (ch == '"')
        in_string = false;
      continue;
    }
    if (ch == '"') {
      in_string = true;
    } else if (ch == '{' || ch == '[') {
      if (depth++ == 0)
        start = i;
    } else if (ch == '}' || ch == ']') {
      if (depth == 0)
        break; // the end of the array itself
      if (--depth == 0)
        out.push_back(text.substr(start, i - start + 1));
    }
  }
  return out;
}

} // namespace mosaik::test
