// URLs in free text, the way mail clients link them: scheme URLs (http, https, ftp, mailto), addresses
// (linked as mailto:), "www."/"ftp." hosts and bare domains whose TLD is real, minus file names.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rules.hpp"

namespace mailaudit::urls {

struct TextUrl {
  std::string raw;   // as written
  std::string link;  // with the scheme a client adds ("http://", "ftp://", "mailto:")
  std::size_t offset = 0;
};

// In order of appearance; at most `max` results.
std::vector<TextUrl> find_text_urls(std::string_view text, const rules::UrlRules& rules, std::size_t max = 5000);

}  // namespace mailaudit::urls
