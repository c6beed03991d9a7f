#include "urls/html_scan.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace mailaudit::urls {

namespace {

struct Entity {
  std::string_view name, value;
};
constexpr Entity kEntities[] = {
#include "urls/html_entities.inc"
};
constexpr std::size_t kLongestEntity = 32;  // "CounterClockwiseContourIntegral;"
// Attributes kept per tag: the duplicate test is quadratic in them, and no real tag has this many.
constexpr std::size_t kMaxAttrs = 256;

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool ascii_alnum(char c) { return ascii_alpha(c) || ascii_digit(c); }
bool html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Bytes that end a tag name (HTML white space, '/', '>') and those that end an attribute name (the same
// and '='), by table: names are found by their extent, then appended in one piece and lowered in place.
enum : unsigned char { kEndsTagName = 1, kEndsAttrName = 2 };
constexpr std::array<unsigned char, 256> name_ends() {
  std::array<unsigned char, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\f', '\r', '/', '>'}) t[c] = kEndsTagName | kEndsAttrName;
  t[static_cast<unsigned char>('=')] = kEndsAttrName;
  return t;
}
constexpr std::array<unsigned char, 256> kNameEnds = name_ends();

std::size_t name_end(std::string_view s, std::size_t j, unsigned char kind) {
  while (j < s.size() && !(kNameEnds[static_cast<unsigned char>(s[j])] & kind)) ++j;
  return j;
}

void append_lower(std::string& out, std::string_view v) {
  const std::size_t from = out.size();
  out.append(v);
  for (std::size_t i = from; i < out.size(); ++i) out[i] = lower(out[i]);
}

const Entity* find_entity(std::string_view name) {
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                             [](const Entity& e, std::string_view n) { return e.name < n; });
  return it != std::end(kEntities) && it->name == name ? &*it : nullptr;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The numeric character reference end state: what a code point becomes.
std::uint32_t numeric_value(std::uint32_t cp) {
  // 0x80-0x9F are read as windows-1252, as browsers always did (0 = keep the C1 code point).
  static constexpr std::uint16_t c1[32] = {0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                           0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
                                           0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                           0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  if (cp >= 0x80 && cp <= 0x9F && c1[cp - 0x80]) return c1[cp - 0x80];
  return cp;
}

// At in[i] == '&': appends the decoded reference (or the '&' as written) and returns the index after it.
std::size_t char_ref(std::string& out, std::string_view in, std::size_t i, bool in_attribute) {
  std::size_t j = i + 1;
  if (j < in.size() && in[j] == '#') {
    ++j;
    bool hex = j < in.size() && (in[j] == 'x' || in[j] == 'X');
    if (hex) ++j;
    std::size_t digits_at = j;
    std::uint32_t cp = 0;
    for (; j < in.size(); ++j) {
      char c = in[j];
      int d = ascii_digit(c) ? c - '0' : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10 : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) break;
      cp = cp > 0x10FFFF ? cp : cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);  // saturates past the range
    }
    if (j == digits_at) {  // "&#" or "&#x" without digits: not a reference
      out += '&';
      return i + 1;
    }
    if (j < in.size() && in[j] == ';') ++j;
    append_utf8(out, numeric_value(cp));
    return j;
  }
  std::size_t end = j;
  while (end < in.size() && end - j < kLongestEntity && ascii_alnum(in[end])) ++end;
  if (end == j) {
    out += '&';
    return i + 1;
  }
  std::size_t with_semi = end < in.size() && in[end] == ';' ? end + 1 : end;
  // Longest prefix of the name (with its ';' when written) that is a reference.
  for (std::size_t k = with_semi; k > j; --k) {
    const Entity* e = find_entity(in.substr(j, k - j));
    if (!e) continue;
    bool semicolon = e->name.back() == ';';
    if (!semicolon && in_attribute && k < in.size() && (in[k] == '=' || ascii_alnum(in[k]))) break;
    out += e->value;
    return k;
  }
  out += '&';
  return i + 1;
}

}  // namespace

void append_decoded(std::string& out, std::string_view in, bool in_attribute) {
  std::size_t i = 0;
  while (i < in.size()) {
    std::size_t amp = in.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(in.substr(i));
      return;
    }
    out.append(in.substr(i, amp - i));
    i = char_ref(out, in, amp, in_attribute);
  }
}

const std::string* HtmlToken::attr(std::string_view n) const {
  for (std::size_t k = 0; k < attr_count; ++k)
    if (attrs[k].name == n) return &attrs[k].value;
  return nullptr;
}

bool HtmlScanner::next(HtmlToken& t) {
  t.name.clear();
  t.data.clear();
  t.attr_count = 0;
  t.self_closing = false;
  while (i_ < s_.size()) {
    if (mode_ != Mode::data) {
      raw_text(t);
      if (!t.data.empty()) return true;
      t.name.clear();
      continue;
    }
    if (!opens(i_)) {
      // Text up to the next '<' that opens something; a '<' that opens nothing stays text.
      std::size_t from = i_, scan = i_ + 1;
      for (;;) {
        std::size_t lt = s_.find('<', scan);
        if (lt == std::string_view::npos) {
          i_ = s_.size();
          break;
        }
        if (opens(lt)) {
          i_ = lt;
          break;
        }
        scan = lt + 1;
      }
      t.kind = HtmlToken::text;
      append_decoded(t.data, s_.substr(from, i_ - from), false);
      if (!t.data.empty()) return true;
      continue;
    }
    // s_[i_] == '<' and it opens a tag, an end tag, a comment or a bogus comment.
    char c = s_[i_ + 1];
    if (ascii_alpha(c)) {
      if (tag(t, false)) return true;
      continue;
    }
    if (c == '/') {
      if (i_ + 2 < s_.size() && ascii_alpha(s_[i_ + 2])) {
        if (tag(t, true)) return true;
        continue;
      }
      if (i_ + 2 < s_.size() && s_[i_ + 2] == '>') {  // "</>": nothing
        i_ += 3;
        continue;
      }
      bogus_comment(t, i_ + 2);
      return true;
    }
    if (c == '!') {
      markup_declaration(t);
      return true;
    }
    bogus_comment(t, i_ + 1);  // '?'
    return true;
  }
  return false;
}

// Whether the '<' at `lt` opens a tag, an end tag, "</>", a markup declaration or a processing instruction.
bool HtmlScanner::opens(std::size_t lt) const {
  if (s_[lt] != '<' || lt + 1 >= s_.size()) return false;
  char c = s_[lt + 1];
  return ascii_alpha(c) || c == '!' || c == '?' || (c == '/' && lt + 2 < s_.size());
}

// At '<' (start tag) or '<' '/' (end tag). False when the input ends inside the tag: the standard then
// drops the tag, and so does this.
bool HtmlScanner::tag(HtmlToken& t, bool end) {
  std::size_t j = i_ + (end ? 2 : 1);
  t.kind = end ? HtmlToken::end_tag : HtmlToken::start_tag;
  {
    const std::size_t from = j;
    j = name_end(s_, j, kEndsTagName);
    append_lower(t.name, s_.substr(from, j - from));
  }
  for (;;) {
    while (j < s_.size() && (html_space(s_[j]) || s_[j] == '/')) {
      if (s_[j] == '/' && j + 1 < s_.size() && s_[j + 1] == '>') t.self_closing = true;
      ++j;
    }
    if (j >= s_.size()) {
      i_ = s_.size();
      return false;
    }
    if (s_[j] == '>') {
      ++j;
      break;
    }
    // An attribute: its name (a leading '=' belongs to it), then optionally '=' and a value.
    if (t.attr_count == t.attrs.size()) t.attrs.emplace_back();
    HtmlAttr& a = t.attrs[t.attr_count];
    a.name.clear();
    a.value.clear();
    {
      const std::size_t from = j++;  // the first byte belongs to the name whatever it is (a leading '=')
      j = name_end(s_, j, kEndsAttrName);
      append_lower(a.name, s_.substr(from, j - from));
    }
    std::size_t k = j;
    while (k < s_.size() && html_space(s_[k])) ++k;
    if (k < s_.size() && s_[k] == '=') {
      j = k + 1;
      while (j < s_.size() && html_space(s_[j])) ++j;
      if (j < s_.size() && (s_[j] == '"' || s_[j] == '\'')) {
        char q = s_[j++];
        std::size_t close = s_.find(q, j);
        if (close == std::string_view::npos) {
          i_ = s_.size();
          return false;
        }
        append_decoded(a.value, s_.substr(j, close - j), true);
        j = close + 1;
      } else {
        std::size_t from = j;
        while (j < s_.size() && !html_space(s_[j]) && s_[j] != '>') ++j;
        append_decoded(a.value, s_.substr(from, j - from), true);
      }
    } else {
      j = k;
    }
    // The first of duplicate attributes counts; end tags' attributes are read and dropped.
    bool duplicate = false;
    if (!end)
      for (std::size_t d = 0; d < t.attr_count && !duplicate; ++d) duplicate = t.attrs[d].name == a.name;
    if (!duplicate && !end && t.attr_count + 1 < kMaxAttrs) ++t.attr_count;
  }
  i_ = j;
  if (!end) {
    if (std::string_view(t.name) == "image") t.name = "img";  // the tree builder's rule
    const std::string_view n = t.name;  // compared as a view: the length first
    if (n == "style" || n == "script" || n == "xmp" || n == "iframe" || n == "noembed" || n == "noframes") {
      mode_ = Mode::raw;
      raw_element_ = n;
    } else if (n == "title" || n == "textarea") {
      mode_ = Mode::rcdata;
      raw_element_ = n;
    } else if (n == "plaintext") {
      mode_ = Mode::plaintext;
      raw_element_ = n;
    }
  }
  return true;
}

// Raw text or RCDATA up to "</element" followed by a space, '/' or '>'; plaintext to the end.
void HtmlScanner::raw_text(HtmlToken& t) {
  t.kind = HtmlToken::text;
  t.name = raw_element_;
  std::size_t end = s_.size(), scan = i_;
  if (mode_ != Mode::plaintext) {
    for (;;) {
      std::size_t lt = s_.find("</", scan);
      if (lt == std::string_view::npos) break;
      std::size_t k = lt + 2, m = 0;
      while (m < raw_element_.size() && k < s_.size() && lower(s_[k]) == raw_element_[m]) ++k, ++m;
      if (m == raw_element_.size() && k < s_.size() && (html_space(s_[k]) || s_[k] == '/' || s_[k] == '>')) {
        end = lt;
        break;
      }
      scan = lt + 2;
    }
  }
  std::string_view body = s_.substr(i_, end - i_);
  if (mode_ == Mode::rcdata) append_decoded(t.data, body, false);
  else t.data.append(body);
  i_ = end;
  mode_ = Mode::data;
}

// At "<!": a comment ("<!--" ... "-->" or "--!>"; "<!-->" and "<!--->" are empty), else a bogus comment
// up to '>' (doctype, "<![CDATA[" outside foreign content, Outlook's "<![if !mso]>").
void HtmlScanner::markup_declaration(HtmlToken& t) {
  t.kind = HtmlToken::comment;
  if (s_.substr(i_, 4) == "<!--") {
    std::size_t from = i_ + 4;
    if (s_.substr(from, 1) == ">") {
      i_ = from + 1;
      return;
    }
    if (s_.substr(from, 2) == "->") {
      i_ = from + 2;
      return;
    }
    std::size_t j = from;
    for (;;) {
      std::size_t dash = s_.find("--", j);
      if (dash == std::string_view::npos) {
        t.data.append(s_.substr(from));
        i_ = s_.size();
        return;
      }
      if (s_.substr(dash + 2, 1) == ">") {
        t.data.append(s_.substr(from, dash - from));
        i_ = dash + 3;
        return;
      }
      if (s_.substr(dash + 2, 2) == "!>") {
        t.data.append(s_.substr(from, dash - from));
        i_ = dash + 4;
        return;
      }
      j = dash + 1;
    }
  }
  bogus_comment(t, i_ + 2);
}

void HtmlScanner::bogus_comment(HtmlToken& t, std::size_t from) {
  t.kind = HtmlToken::comment;
  std::size_t gt = s_.find('>', from);
  std::size_t end = gt == std::string_view::npos ? s_.size() : gt;
  t.data.append(s_.substr(from, end - from));
  i_ = gt == std::string_view::npos ? s_.size() : gt + 1;
}

}  // namespace mailaudit::urls
