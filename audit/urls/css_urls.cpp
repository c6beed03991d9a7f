#include "urls/css_urls.hpp"

#include <algorithm>
#include <cctype>

#include "util/text.hpp"

namespace mailaudit::urls {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// A quoted or unquoted CSS value starting at `i`; returns it and moves `i` past it.
std::string read_value(std::string_view css, std::size_t& i, char close) {
  while (i < css.size() && is_space(css[i])) ++i;
  if (i < css.size() && (css[i] == '"' || css[i] == '\'')) {
    char q = css[i++];
    std::size_t e = css.find(q, i);
    if (e == std::string_view::npos) e = css.size();
    std::string v(css.substr(i, e - i));
    i = e + 1;
    return v;
  }
  std::size_t b = i;
  while (i < css.size() && css[i] != close && !(close == ';' && is_space(css[i]))) ++i;
  return std::string(text::trim(css.substr(b, i - b)));
}

}  // namespace

namespace {
constexpr auto npos = std::string_view::npos;

// The first "url(" at or after `from`, found by its '(' (rarer in CSS than a 'u'), or npos.
std::size_t next_url(std::string_view css, std::size_t from) {
  for (std::size_t p = css.find('(', from + 3); p != npos; p = css.find('(', p + 1))
    if (text::iequals(css.substr(p - 3, 3), "url")) return p - 3;
  return npos;
}

// The first "@import" at or after `from`, or npos.
std::size_t next_import(std::string_view css, std::size_t from) {
  for (std::size_t p = css.find('@', from); p != npos; p = css.find('@', p + 1))
    if (text::iequals(css.substr(p, 7), "@import")) return p;
  return npos;
}
}  // namespace

std::vector<std::string> find_css_urls(std::string_view css, std::size_t max) {
  std::vector<std::string> out;
  // Each kind's next match is kept until the scan passes it, so no byte is searched twice.
  std::size_t i = 0, url = next_url(css, 0), import = next_import(css, 0);
  while (out.size() < max) {
    if (url != npos && url < i) url = next_url(css, i);
    if (import != npos && import < i) import = next_import(css, i);
    const std::size_t at = std::min(url, import);
    if (at == npos) break;
    std::size_t j;
    if (at == url) {
      j = at + 4;
      std::string v = read_value(css, j, ')');
      if (!v.empty()) out.push_back(std::move(v));
    } else {
      j = at + 7;
      while (j < css.size() && is_space(css[j])) ++j;
      if (j < css.size() && (css[j] == '"' || css[j] == '\'')) {
        std::string v = read_value(css, j, ';');
        if (!v.empty()) out.push_back(std::move(v));
      }
    }
    i = j;  // always past `at`
  }
  return out;
}

}  // namespace mailaudit::urls
