// URLs in HTML: link and resource attributes, srcset, CSS url() in style attributes and <style>, meta
// refresh, <base>, VML and the markup inside Outlook conditional comments, and URLs in the visible text.
// Read by a streaming tokenizer (html_scan.hpp); the same walk over gumbo's tree is kept as the oracle.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rules.hpp"

namespace mailaudit::urls {

struct HtmlUrl {
  std::string raw;     // the attribute value or text as written (entities decoded)
  std::string link;    // resolved: scheme added to "www.x", relative references against <base>; "" when none
  std::string source;  // "html:a@href", "css:url", "vml:v:fill@src", "html:text", ...
  std::string anchor_text;  // html:a@href: the link's visible text, bounded
};

// At most `max` results; HTML beyond `max_bytes` is not read. `valid_utf8`: the caller knows `html` is valid
// UTF-8 (a decoded text part), so it is not checked again unless cut at `max_bytes`.
std::vector<HtmlUrl> find_html_urls(std::string_view html, const rules::UrlRules& rules, std::size_t max = 5000,
                                    std::size_t max_bytes = 8u << 20, bool valid_utf8 = false);

// The same through gumbo's full HTML5 tree: slower, and bounded to 50,000 tags (gumbo frees its tree
// recursively). The tests compare find_html_urls with it on the corpora and the fuzz inputs.
std::vector<HtmlUrl> find_html_urls_tree(std::string_view html, const rules::UrlRules& rules, std::size_t max = 5000,
                                         std::size_t max_bytes = 8u << 20);

// What a client links for an attribute value: "" for fragments, cid:, data:, javascript: and relative
// references without a base.
std::string resolve_href(std::string_view value, const std::string& base);

}  // namespace mailaudit::urls
