// libFuzzer target: any bytes through URL extraction as plain text, as HTML, and as one URL (normalising
// and redirect unwrapping). Differential for HTML: the streaming scanner must find what the walk over
// gumbo's tree finds, or the target aborts. Its corpus fixtures/fuzz/urls also runs as a regression test
// (replay_main.cpp).
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>

#include "rules/rules.hpp"
#include "urls/css_urls.hpp"
#include "urls/html_urls.hpp"
#include "urls/normalise.hpp"
#include "urls/text_urls.hpp"
#include "urls/unwrap.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailaudit;
  static const rules::Rules rules = rules::Rules::builtin();
  std::string in(reinterpret_cast<const char*>(data), size);
  std::size_t n = urls::find_text_urls(in, rules.urls()).size();
  // Gumbo turns C0 controls into U+FFFD (browsers do not, nor does the scanner): compare on input where
  // they are replaced already. Inputs over gumbo's 50,000-tag bound are not compared.
  std::string html;
  for (char c : in) {
    unsigned char u = static_cast<unsigned char>(c);
    bool control = (u >= 0x01 && u <= 0x08) || u == 0x0B || (u >= 0x0E && u <= 0x1F) || u == 0x7F;
    html += control ? std::string("\xef\xbf\xbd") : std::string(1, c);
  }
  auto key = [](const std::vector<urls::HtmlUrl>& us) {
    std::vector<std::string> k;
    for (const auto& u : us) k.push_back(u.source + " " + u.raw + " " + u.link + " " + u.anchor_text);
    std::sort(k.begin(), k.end());
    return k;
  };
  auto scanned = urls::find_html_urls(html, rules.urls());
  if (std::count(html.begin(), html.end(), '<') < 50000 && key(scanned) != key(urls::find_html_urls_tree(html, rules.urls()))) {
    std::fprintf(stderr, "HTML scanner and gumbo's tree disagree on this input\n");
    std::abort();
  }
  n += scanned.size();
  n += urls::find_css_urls(in).size();
  if (auto u = urls::normalise_url(in)) n += urls::embedded_target(u->url, rules.urls()).size();
  n += urls::resolve_href(in, "https://base.example.com/dir/").size();
  volatile std::size_t sink = n;
  (void)sink;
  return 0;
}
