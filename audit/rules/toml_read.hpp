// Reading rules files with toml++: the typed getters every loader of rules/*.toml needs, each failure one
// "file:line: problem" error of the loader's own type (rules::RulesError, receivers::ProfileError).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace mailaudit::rules::toml_read {

// "file:line". A node merged in from a --rules overlay names the overlay's file, not the built-in one.
inline std::string where(const std::string& file, const toml::source_region& src) {
  return (src.path && !src.path->empty() ? *src.path : file) + ":" + std::to_string(src.begin.line);
}

template <class Error>
[[noreturn]] void fail(const std::string& file, const toml::node& node, const std::string& what) {
  throw Error(where(file, node.source()) + ": " + what);
}

template <class Error>
std::string require_string(const std::string& file, const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) fail<Error>(file, t, "missing key \"" + std::string(key) + "\"");
  if (!n->is_string()) fail<Error>(file, *n, "\"" + std::string(key) + "\" must be a string");
  return std::string(*n->value<std::string>());
}

// An absent key is an empty list; anything but an array of strings is an error.
template <class Error>
std::vector<std::string> string_list(const std::string& file, const toml::table& t, std::string_view key) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail<Error>(file, *n, "\"" + std::string(key) + "\" must be an array of strings");
  for (const auto& el : *a) {
    if (!el.is_string()) fail<Error>(file, el, "\"" + std::string(key) + "\" must hold only strings");
    out.push_back(std::string(*el.value<std::string>()));
  }
  return out;
}

}  // namespace mailaudit::rules::toml_read
