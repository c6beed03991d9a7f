// A streaming HTML tokenizer for the URL and text path: the WHATWG tokenization states that matter for
// finding URLs (tags and attributes with their quoting, comments, bogus comments, raw-text and RCDATA
// elements, character references), without building a tree. Linear in the input, no allocation per token
// once the buffers have grown. Gumbo (a full HTML5 parser) stays in the tests as the differential oracle.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::urls {

struct HtmlAttr {
  std::string name;   // ASCII lower-case, as the tokenizer writes it
  std::string value;  // character references decoded
};

struct HtmlToken {
  enum Kind { start_tag, end_tag, text, comment };
  Kind kind = text;
  // Tags: the lower-case name ("image" already read as "img", as the tree builder does). Text: the element
  // whose raw text or RCDATA it is ("style", "script", "title", ...), "" for ordinary text.
  std::string name;
  std::vector<HtmlAttr> attrs;  // start tags: the first `attr_count` entries (the rest are spare buffers)
  std::size_t attr_count = 0;
  bool self_closing = false;
  std::string data;  // text: decoded; comment: as written between its delimiters

  // The value of attribute `name` (lower-case), or null.
  const std::string* attr(std::string_view name) const;
};

class HtmlScanner {
 public:
  explicit HtmlScanner(std::string_view html) : s_(html) {}
  // The next token into `t` (its buffers are reused); false at the end of the input.
  bool next(HtmlToken& t);

 private:
  bool opens(std::size_t lt) const;
  bool tag(HtmlToken& t, bool end);
  void markup_declaration(HtmlToken& t);
  void bogus_comment(HtmlToken& t, std::size_t from);
  void raw_text(HtmlToken& t);

  std::string_view s_;
  std::size_t i_ = 0;
  enum class Mode { data, raw, rcdata, plaintext } mode_ = Mode::data;
  std::string raw_element_;  // the element whose end tag ends raw/rcdata mode
};

// Appends `in` to `out` with its character references decoded (named, decimal, hexadecimal), by the
// standard's rules: longest name match, legacy names without ';', and in attribute values a legacy name
// followed by '=' or an alphanumeric left as written.
void append_decoded(std::string& out, std::string_view in, bool in_attribute);

}  // namespace mailaudit::urls
