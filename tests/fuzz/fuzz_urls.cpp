// libFuzzer target: any bytes through URL extraction as plain text, as HTML, and as one URL (normalising
// and redirect unwrapping). Its corpus fixtures/fuzz/urls also runs as a regression test (replay_main.cpp).
#include <cstddef>
#include <cstdint>
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
  n += urls::find_html_urls(in, rules.urls()).size();
  n += urls::find_css_urls(in).size();
  if (auto u = urls::normalise_url(in)) n += urls::embedded_target(u->url, rules.urls()).size();
  n += urls::resolve_href(in, "https://base.example.com/dir/").size();
  volatile std::size_t sink = n;
  (void)sink;
  return 0;
}
