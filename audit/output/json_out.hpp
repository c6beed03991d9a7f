// JSON written straight to text, laid out exactly as nlohmann's dump (2-space pretty, or compact), so the
// report and URL documents need no tree first: building one per URL and dumping it was a third of
// `mailaudit urls` on link-heavy mail. Rare, small sections may still be trees (value(json)).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace mailaudit {

class JsonOut {
 public:
  // `indent`: spaces before every line after the first (a document written inside another one's array).
  JsonOut(std::string& out, bool pretty, std::size_t indent = 0) : out_(out), pretty_(pretty), indent_(indent) {}

  JsonOut& begin_object();
  JsonOut& end_object() { return close('}'); }
  JsonOut& begin_array();
  JsonOut& end_array() { return close(']'); }
  // The next member's name, inside an object.
  JsonOut& key(std::string_view name);

  JsonOut& value(std::string_view s);
  JsonOut& value(const std::string& s) { return value(std::string_view(s)); }
  JsonOut& value(const char* s) { return value(std::string_view(s)); }
  JsonOut& value(bool b);
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  JsonOut& value(T n) {
    before_value();
    out_ += std::to_string(n);
    return *this;
  }
  JsonOut& value(double d);
  JsonOut& value(const std::vector<std::string>& strings);
  // A tree, laid out in place as its own dump would be.
  JsonOut& value(const nlohmann::ordered_json& tree);
  JsonOut& null();
  // null when empty / absent.
  JsonOut& string_or_null(const std::string& s) { return s.empty() ? null() : value(s); }
  JsonOut& string_or_null(const std::optional<std::string>& s) { return s ? value(*s) : null(); }

  template <class V>
  JsonOut& member(std::string_view name, const V& v) {
    key(name);
    return value(v);
  }

 private:
  void before_value();
  JsonOut& close(char bracket);
  void newline();
  void string(std::string_view s);

  std::string& out_;
  bool pretty_;
  std::size_t indent_;
  std::vector<std::size_t> open_;  // members or elements written so far, per open object or array
  bool after_key_ = false;
};

}  // namespace mailaudit
