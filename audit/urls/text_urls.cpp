#include "urls/text_urls.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "urls/normalise.hpp"
#include "util/text.hpp"

namespace mailaudit::urls {

namespace {

bool is_ascii_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// An ASCII byte that can be part of a host name run ('.', '-', '_', letters, digits).
bool is_ascii_host_char(char c) { return is_ascii_alnum(c) || c == '.' || c == '-' || c == '_'; }

// Length of a character that ends a URL at s[i] (whitespace, controls, quotes and brackets that clients
// treat as delimiters, and the Unicode spaces and CJK brackets that stand next to URLs in text), or 0.
constexpr std::array<bool, 128> kAsciiTerminators = [] {
  std::array<bool, 128> t{};
  for (int c = 0; c <= 0x20; ++c) t[static_cast<std::size_t>(c)] = true;
  t[0x7f] = true;
  for (char c : std::string_view("<>\"`{}|\\")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

std::size_t terminator_at(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return kAsciiTerminators[c] ? 1 : 0;
  if (c != 0xC2 && c != 0xE2 && c != 0xE3 && c != 0xEF) return 0;  // the lead bytes of the stops below
  static const std::string_view stops[] = {
      "\xC2\xA0",                                      // no-break space
      "\xC2\xAB", "\xC2\xBB",                          // guillemets
      "\xE2\x80\xA8", "\xE2\x80\xA9",                  // line and paragraph separators
      "\xE2\x80\x98", "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x9D",  // curly quotes
      "\xE2\x80\xB9", "\xE2\x80\xBA", "\xE2\x80\xA6",  // single guillemets, ellipsis
      "\xE3\x80\x80", "\xE3\x80\x81",                  // ideographic space and comma
      "\xE3\x80\x88", "\xE3\x80\x89", "\xE3\x80\x8A", "\xE3\x80\x8B",  // angle brackets
      "\xE3\x80\x8C", "\xE3\x80\x8D", "\xE3\x80\x8E", "\xE3\x80\x8F", "\xE3\x80\x90", "\xE3\x80\x91",
      "\xE3\x80\x94", "\xE3\x80\x95", "\xE3\x80\x96", "\xE3\x80\x97", "\xE3\x80\x9D", "\xE3\x80\x9E",
      "\xEF\xBC\x81", "\xEF\xBC\x88", "\xEF\xBC\x89", "\xEF\xBC\x8C",  // fullwidth ! ( ) ,
      "\xEF\xBC\x9A", "\xEF\xBC\x9B", "\xEF\xBC\x9F",  // fullwidth : ; ?
      "\xEF\xBC\xBB", "\xEF\xBC\xBD", "\xEF\xBD\x9B", "\xEF\xBD\x9D",  // fullwidth [ ] { }
      "\xEF\xBD\xA2", "\xEF\xBD\xA3",                  // halfwidth corner brackets
  };
  for (auto t : stops)
    if (s.substr(i, t.size()) == t) return t.size();
  return 0;
}

bool is_wide_dot(std::string_view seq);

// End of a URL body starting at `from`: up to the first terminator. `in_host`: the body starts with the
// host ("//host/path" of a scheme URL), where an ideographic full stop is a dot of the host; after it,
// one ends the sentence ("https://a.example/x。").
std::size_t url_end(std::string_view s, std::size_t from, bool in_host) {
  std::size_t i = from;
  if (in_host && s.substr(i, 2) == "//") i += 2;
  for (; i < s.size() && terminator_at(s, i) == 0; ++i) {
    char c = s[i];
    if (c == '/' || c == '?' || c == '#') in_host = false;
    // Wide dots start with 0xE3 or 0xEF.
    if (!in_host && (c == '\xE3' || c == '\xEF') && i + 3 <= s.size() && is_wide_dot(s.substr(i, 3))) break;
  }
  return i;
}

// A list of URLs written without spaces ("https://a.example,https://b.example;www.c.example"): a ',' or ';'
// directly before another URL ends the one before it.
std::size_t list_end(std::string_view s, std::size_t from, std::size_t end) {
  for (std::size_t i = from; i + 1 < end; ++i) {
    if (s[i] != ',' && s[i] != ';') continue;
    std::string_view next = s.substr(i + 1, end - i - 1);
    for (std::string_view start : {"http://", "https://", "ftp://", "mailto:", "www."})
      if (text::istarts_with(next, start)) return i;
  }
  return end;
}

// Trailing punctuation that closes the sentence rather than the URL; a ')' or ']' stays when it closes
// one opened inside the URL (Wikipedia-style links).
std::size_t trim_trailing(std::string_view s, std::size_t begin, std::size_t end) {
  while (end > begin) {
    if (end >= begin + 3 && is_wide_dot(s.substr(end - 3, 3))) {  // "https://a.example。" ends a CJK sentence
      end -= 3;
      continue;
    }
    char c = s[end - 1];
    if (std::string_view(".,;:!?'-~@#^&*_+=(").find(c) != std::string_view::npos) {
      --end;
      continue;
    }
    if (c == ')' || c == ']') {
      char open = c == ')' ? '(' : '[';
      auto body = s.substr(begin, end - begin);
      if (std::count(body.begin(), body.end(), open) < std::count(body.begin(), body.end(), c)) {
        --end;
        continue;
      }
    }
    break;
  }
  return end;
}

bool is_local_char(char c) {
  return is_ascii_alnum(c) || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
}

// Ideographic, fullwidth and halfwidth full stops: dots in hosts written in CJK text.
bool is_wide_dot(std::string_view seq) { return seq == "\xE3\x80\x82" || seq == "\xEF\xBC\x8E" || seq == "\xEF\xBD\xA1"; }

std::size_t utf8_length(unsigned char lead) { return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1; }

// A byte that may be part of a host name run in text: ASCII letters, digits, '.', '-', '_', and non-ASCII
// letters outside the CJK blocks (CJK text runs into domains without spaces), plus fullwidth dots.
std::size_t host_char_at(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return is_ascii_host_char(s[i]) ? 1 : 0;
  if (terminator_at(s, i) || (c & 0xC0) == 0x80) return 0;  // a continuation byte never starts a character
  std::size_t len = utf8_length(c);
  if (i + len > s.size()) return 0;
  if (len == 3) {
    auto seq = s.substr(i, 3);
    if (is_wide_dot(seq)) return 3;
    unsigned cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                  (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    if ((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x2000 && cp <= 0x206F))
      return 0;
  }
  if (len == 2) {
    unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return 0;  // Latin-1 punctuation and symbols
  }
  return len;
}

class Scanner {
 public:
  Scanner(std::string_view text, const rules::UrlRules& rules, std::size_t max)
      : s_(text), rules_(rules), max_(max), used_(text.size(), false) {}

  std::vector<TextUrl> run() {
    scheme_urls();
    addresses();
    bare_hosts();
    std::sort(out_.begin(), out_.end(), [](const TextUrl& a, const TextUrl& b) { return a.offset < b.offset; });
    return std::move(out_);
  }

 private:
  bool full() const { return out_.size() >= max_; }
  bool used(std::size_t b, std::size_t e) const {
    return std::any_of(used_.begin() + static_cast<long>(b), used_.begin() + static_cast<long>(e), [](bool x) { return x; });
  }
  void take(std::size_t b, std::size_t e, std::string link) {
    std::fill(used_.begin() + static_cast<long>(b), used_.begin() + static_cast<long>(e), true);
    out_.push_back({std::string(s_.substr(b, e - b)), std::move(link), b});
  }

  // http://, https://, ftp://, mailto: anywhere, even glued to a preceding word; defanged ones (hxxp://,
  // rules/urls.toml) with the scheme they stand for.
  void scheme_urls() {
    std::vector<std::pair<std::string_view, std::string_view>> schemes = {
        {"https", "https"}, {"http", "http"}, {"ftp", "ftp"}, {"mailto", "mailto"}};
    for (const auto& [written, meant] : rules_.defanged_schemes) schemes.emplace_back(written, meant);
    for (std::size_t colon = s_.find(':'); colon != std::string_view::npos && !full(); colon = s_.find(':', colon + 1)) {
      for (auto [scheme, meant] : schemes) {
        if (colon < scheme.size() || !text::iequals(s_.substr(colon - scheme.size(), scheme.size()), scheme)) continue;
        std::size_t b = colon - scheme.size();
        bool mailto = meant == "mailto";
        if (!mailto && s_.substr(colon + 1, 2) != "//") break;
        if (used(b, colon + 1)) break;
        std::size_t e = trim_trailing(s_, b, list_end(s_, colon + 1, url_end(s_, colon + 1, true)));
        if (e <= colon + 1) break;
        std::string link = scheme == meant ? std::string(s_.substr(b, e - b))  // as written, case and all
                                           : std::string(meant) + std::string(s_.substr(colon, e - colon));
        if (accept_scheme_url(link, mailto)) take(b, e, std::move(link));
        break;
      }
    }
  }

  bool accept_scheme_url(std::string_view candidate, bool mailto) const {
    if (mailto) {
      if (candidate.size() <= 7) return false;
      std::string_view rest = candidate.substr(7);
      while (rest.starts_with("/")) rest.remove_prefix(1);
      std::string_view addr = rest.substr(0, rest.find('?'));
      auto at = addr.find('@');
      if (at == 0 || at == std::string_view::npos || addr.find('@', at + 1) != std::string_view::npos) return false;
    }
    auto n = normalise_url(candidate);
    if (!n) return false;
    return n->host.ip || is_plausible_domain(n->host.name);
  }

  // local@domain, linked as mailto:.
  void addresses() {
    for (std::size_t at = s_.find('@'); at != std::string_view::npos && !full(); at = s_.find('@', at + 1)) {
      if (used_[at]) continue;
      std::size_t lb = at;
      while (lb > 0 && is_local_char(s_[lb - 1]) && !used_[lb - 1] && at - lb < 64) --lb;
      while (lb < at && !is_ascii_alnum(s_[lb]) && s_[lb] != '_') ++lb;  // leading punctuation is context
      std::size_t de = at + 1;
      while (de < s_.size() && !used_[de]) {
        std::size_t n = host_char_at(s_, de);
        if (n == 0) break;
        de += n;
      }
      while (de > at + 1 && std::string_view(".-_").find(s_[de - 1]) != std::string_view::npos) --de;
      if (lb == at || de == at + 1) continue;
      // cid:part@host and mid:id@host name a body part or a message (RFC 2392), not a mailbox or a host.
      if (lb >= 4 && (text::iequals(s_.substr(lb - 4, 4), "cid:") || text::iequals(s_.substr(lb - 4, 4), "mid:"))) {
        std::fill(used_.begin() + static_cast<long>(lb - 4), used_.begin() + static_cast<long>(de), true);
        continue;
      }
      std::string_view domain = s_.substr(at + 1, de - at - 1);
      Host h = normalise_host(domain);
      if (h.name.empty() || h.ip || domain.find("..") != std::string_view::npos || !is_plausible_domain(h.name))
        continue;
      take(lb, de, "mailto:" + std::string(s_.substr(lb, de - lb)));
    }
  }

  // www.example.com, ftp.example.org, example.co.uk: maximal runs of host characters. Every host holds an
  // ASCII '.', so the scan jumps to the run around the next one (linear: each byte is looked at a bounded
  // number of times), and most text between hosts is skipped without a look at its characters.
  void bare_hosts() {
    std::size_t i = 0;
    std::size_t dot = std::string_view::npos;  // the next '.' at or after i, once searched for
    while (i < s_.size() && !full()) {
      if (dot == std::string_view::npos || dot < i) {
        dot = s_.find('.', i);
        if (dot == std::string_view::npos) return;
        i = run_start_before(i, dot);
      }
      std::size_t n = used_[i] ? 0 : host_char_at(s_, i);
      if (n == 0) {
        i += utf8_length(static_cast<unsigned char>(s_[i]));  // skip a whole character, not into its middle
        continue;
      }
      std::size_t b = i;
      while (i < s_.size() && !used_[i] && (n = host_char_at(s_, i)) > 0) i += n;
      consider_host(b, i);
    }
  }

  // Where the character-by-character scan from `from` would stand, not inside a run, closest before
  // `dot`: just after the last ASCII byte that is no host character (runs and characters end there). When
  // a multi-byte lead just before that byte might cover it (broken UTF-8), `from` itself.
  std::size_t run_start_before(std::size_t from, std::size_t dot) const {
    std::size_t j = dot;
    while (j > from && (static_cast<unsigned char>(s_[j - 1]) >= 0x80 || is_ascii_host_char(s_[j - 1]))) --j;
    if (j == from) return from;
    std::size_t q = j - 1;
    for (std::size_t k = q > from + 3 ? q - 3 : from; k < q; ++k)
      if (static_cast<unsigned char>(s_[k]) >= 0xC0) return from;
    return j;
  }

  void consider_host(std::size_t b, std::size_t e) {
    if (b > 0 && s_[b - 1] == '/') return;  // a path segment of something else
    if (e < s_.size() && s_[e] == '@') return;  // the local part of an address ("first.last@..."), not a host
    while (b < e && std::string_view(".-_").find(s_[b]) != std::string_view::npos) ++b;
    std::size_t he = e;
    for (bool trimmed = true; trimmed && he > b;) {
      trimmed = false;
      if (std::string_view(".-_").find(s_[he - 1]) != std::string_view::npos) {
        --he;
        trimmed = true;
      } else if (he >= b + 3 && is_wide_dot(s_.substr(he - 3, 3))) {  // "example.com。" ends a CJK sentence
        he -= 3;
        trimmed = true;
      }
    }
    if (he <= b) return;
    std::string_view written = s_.substr(b, he - b);
    if (written.find('.') == std::string_view::npos || written.find("..") != std::string_view::npos) return;
    Host h = normalise_host(written);
    if (h.name.empty() || h.ip || !is_plausible_domain(h.name)) return;
    bool www = text::istarts_with(written, "www.");
    bool ftp = text::istarts_with(written, "ftp.");
    auto labels = std::count(h.name.begin(), h.name.end(), '.') + 1;
    std::string tld = h.name.substr(h.name.rfind('.') + 1);
    const auto& ext = rules_.file_extensions;
    if (!www && labels == 2 && std::find(ext.begin(), ext.end(), tld) != ext.end()) return;
    // An optional :port, then a path only when '/' follows directly.
    std::size_t end = he;
    if (he == e && end < s_.size() && s_[end] == ':') {
      std::size_t d = end + 1;
      while (d < s_.size() && d - end <= 5 && std::isdigit(static_cast<unsigned char>(s_[d]))) ++d;
      if (d > end + 1 && (d == s_.size() || s_[d] == '/' || terminator_at(s_, d) || std::ispunct(static_cast<unsigned char>(s_[d]))))
        end = d;
    }
    if ((he == e || end > he) && end < s_.size() && s_[end] == '/')
      end = trim_trailing(s_, b, list_end(s_, end, url_end(s_, end, false)));
    if (used(b, end)) return;
    take(b, end, std::string(ftp ? "ftp://" : "http://") + std::string(s_.substr(b, end - b)));
  }

  std::string_view s_;
  const rules::UrlRules& rules_;
  std::size_t max_;
  std::vector<bool> used_;
  std::vector<TextUrl> out_;
};

}  // namespace

std::vector<TextUrl> find_text_urls(std::string_view text, const rules::UrlRules& rules, std::size_t max) {
  // A scheme URL holds ':', an address '@', a bare host '.': most text runs of a page (words and white
  // space between tags) hold none, and cost one pass.
  if (text.find('.') == std::string_view::npos && text.find(':') == std::string_view::npos &&
      text.find('@') == std::string_view::npos)
    return {};
  return Scanner(text, rules, max).run();
}

}  // namespace mailaudit::urls
