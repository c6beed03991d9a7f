#include "urls/css_urls.hpp"

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

std::vector<std::string> find_css_urls(std::string_view css, std::size_t max) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 4 <= css.size() && out.size() < max; ++i) {
    if (css[i] != 'u' && css[i] != 'U' && css[i] != '@') continue;  // neither "url(" nor "@import" starts here
    if (text::iequals(css.substr(i, 4), "url(")) {
      std::size_t j = i + 4;
      std::string v = read_value(css, j, ')');
      if (!v.empty()) out.push_back(std::move(v));
      i = j > i ? j - 1 : i;
    } else if (css[i] == '@' && text::iequals(css.substr(i, 7), "@import")) {
      std::size_t j = i + 7;
      while (j < css.size() && is_space(css[j])) ++j;
      if (j < css.size() && (css[j] == '"' || css[j] == '\'')) {
        std::string v = read_value(css, j, ';');
        if (!v.empty()) out.push_back(std::move(v));
      }
      i = j > i ? j - 1 : i;
    }
  }
  return out;
}

}  // namespace mailaudit::urls
