#include "output/json_out.hpp"

#include <cstdint>
#include <cstring>

#include "util/text.hpp"

namespace mailaudit {

namespace {

// Eight bytes at once: any control character, '"', '\\' or 8-bit byte among them (the classic
// "has a zero byte" tests on the word and on it XOR the byte looked for).
bool word_needs_look(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
  const std::uint64_t below_space = (w - ones * 0x20) & ~w & highs;
  return ((w & highs) | below_space | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) != 0;
}

// Copied as is by the dump too: no quote, backslash or control character, and valid UTF-8.
bool plain(std::string_view s) {
  std::size_t i = 0;
  for (std::uint64_t w; i + 8 <= s.size(); i += 8) {
    std::memcpy(&w, s.data() + i, 8);
    if (word_needs_look(w)) break;
  }
  s.remove_prefix(i);
  bool ascii = true;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == '"' || c == '\\') return false;
    if (c >= 0x80) ascii = false;
  }
  return ascii || text::is_valid_utf8(s);
}

}  // namespace

void JsonOut::newline() {
  if (!pretty_) return;
  out_ += '\n';
  out_.append(indent_ + 2 * open_.size(), ' ');
}

void JsonOut::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;
  if (open_.back()++ > 0) out_ += ',';
  newline();
}

JsonOut& JsonOut::begin_object() {
  before_value();
  out_ += '{';
  open_.push_back(0);
  return *this;
}

JsonOut& JsonOut::close(char bracket) {
  std::size_t n = open_.back();
  open_.pop_back();
  if (n > 0) newline();
  out_ += bracket;
  return *this;
}

JsonOut& JsonOut::begin_array() {
  before_value();
  out_ += '[';
  open_.push_back(0);
  return *this;
}

JsonOut& JsonOut::key(std::string_view name) {
  before_value();
  string(name);
  out_ += pretty_ ? ": " : ":";
  after_key_ = true;
  return *this;
}

void JsonOut::string(std::string_view s) {
  if (plain(s)) {
    out_ += '"';
    out_ += s;
    out_ += '"';
    return;
  }
  out_ += nlohmann::ordered_json(std::string(s)).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

JsonOut& JsonOut::value(std::string_view s) {
  before_value();
  string(s);
  return *this;
}

JsonOut& JsonOut::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonOut& JsonOut::value(double d) {
  before_value();
  out_ += nlohmann::ordered_json(d).dump();  // the dump's shortest round-trip form ("1.0", "0.25", null for NaN)
  return *this;
}

JsonOut& JsonOut::value(const std::vector<std::string>& strings) {
  begin_array();
  for (const auto& s : strings) value(s);
  return end_array();
}

JsonOut& JsonOut::value(const nlohmann::ordered_json& tree) {
  before_value();
  std::string text = tree.dump(pretty_ ? 2 : -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  if (!pretty_) {
    out_ += text;
    return *this;
  }
  const std::string pad(indent_ + 2 * open_.size(), ' ');
  for (char c : text) {  // JSON text holds no raw line break inside a string: each '\n' starts a line
    out_ += c;
    if (c == '\n') out_ += pad;
  }
  return *this;
}

JsonOut& JsonOut::null() {
  before_value();
  out_ += "null";
  return *this;
}

}  // namespace mailaudit
