// audit/urls: host normalisation, splitting, text and HTML scanning, redirect unwrapping, flags.
#include <catch2/catch.hpp>
#include <set>

#include "message/message.hpp"
#include "rules/rules.hpp"
#include "test_support.hpp"
#include "urls/css_urls.hpp"
#include "urls/extract.hpp"
#include "urls/html_urls.hpp"
#include "urls/normalise.hpp"
#include "urls/text_urls.hpp"
#include "urls/unwrap.hpp"

using namespace mailaudit;
using namespace mailaudit::urls;

namespace {

const rules::UrlRules& url_rules() {
  static const rules::Rules r = rules::Rules::builtin();
  return r.urls();
}

std::string links_of(const std::vector<TextUrl>& v) {
  std::string s;
  for (const auto& t : v) s += (s.empty() ? "" : " | ") + t.link;
  return s;
}

std::vector<Url> extract_html(const std::string& html) {
  std::string raw = test::crlf("From: a@example.com\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n") + html;
  return extract_urls(parse_message(raw, "t", 0), url_rules());
}

const Url* find_source(const std::vector<Url>& v, const std::string& source) {
  for (const auto& u : v)
    if (u.source == source) return &u;
  return nullptr;
}

}  // namespace

TEST_CASE("hosts are normalised the way browsers read them", "[unit]") {
  struct Row {
    const char* label;
    const char* raw;
    const char* want;
    bool ip, idn, obfuscated;
  };
  const Row rows[] = {
      {"lower case", "WWW.Example.COM", "www.example.com", false, false, false},
      {"trailing dot", "example.com.", "example.com", false, false, false},
      {"decimal IPv4", "1113515555", "66.94.230.35", true, false, true},
      {"hex IPv4", "0x42.0x5e.0xe6.0x23", "66.94.230.35", true, false, true},
      {"octal IPv4", "0102.0136.0346.043", "66.94.230.35", true, false, true},
      {"short IPv4", "66.94.59427", "66.94.232.35", true, false, true},
      {"dotted quad", "192.0.2.1", "192.0.2.1", true, false, false},
      {"IPv6 literal", "[2001:DB8::1]", "2001:db8::1", true, false, false},
      {"percent-encoded", "%77%77%77.example.com", "www.example.com", false, false, true},
      {"fullwidth dot", "example\xEF\xBC\x8E" "com", "example.com", false, false, true},
      {"ideographic dot", "example\xE3\x80\x82" "com", "example.com", false, false, true},
      {"IDN", "b\xC3\xBC" "cher.example", "xn--bcher-kva.example", false, true, false},
      {"A-label", "xn--bcher-kva.example", "xn--bcher-kva.example", false, true, false},
      {"space in host", "exa mple.com", "", false, false, false},
      {"empty label", "a..example.com", "", false, false, false},
      {"not numeric (too large)", "4294967296", "", false, false, false},
  };
  for (const auto& r : rows) {
    Host h = normalise_host(r.raw);
    INFO(r.label << ": got \"" << h.name << "\" ip=" << h.ip << " idn=" << h.idn << " obfuscated=" << h.obfuscated
                 << ", want \"" << r.want << "\"");
    CHECK(h.name == r.want);
    if (!std::string(r.want).empty()) {
      CHECK(h.ip == r.ip);
      CHECK(h.idn == r.idn);
      CHECK(h.obfuscated == r.obfuscated);
    }
  }
}

TEST_CASE("URLs are normalised and userinfo tricks noticed", "[unit]") {
  struct Row {
    const char* label;
    const char* link;
    const char* want_url;
    const char* want_host;
    bool trick;
  };
  const Row rows[] = {
      {"default port dropped", "HTTP://WWW.Example.com:80/A%42c", "http://www.example.com/ABc", "www.example.com", false},
      {"other port kept", "https://example.com:8443/", "https://example.com:8443/", "example.com", false},
      {"userinfo trick", "http://bank.example@evil.example.net/", "http://bank.example@evil.example.net/", "evil.example.net", true},
      {"plain user", "ftp://name@example.com//etc", "ftp://name@example.com//etc", "example.com", false},
      {"backslash is a slash", "http://a.example.com\\@evil.example.net/", "http://a.example.com/@evil.example.net/", "a.example.com", false},
      {"percent-encoded slash decoded", "ftp://x@example.com/%2Fetc", "ftp://x@example.com//etc", "example.com", false},
      {"space stays encoded", "http://example.com/a%20b", "http://example.com/a%20b", "example.com", false},
      {"mailto", "mailto:Joe@Example.COM?subject=hi", "mailto:Joe@example.com?subject=hi", "example.com", false},
      {"numeric host", "http://1113515555/", "http://66.94.230.35/", "66.94.230.35", false},
  };
  for (const auto& r : rows) {
    auto n = normalise_url(r.link);
    REQUIRE(n);
    INFO(r.label << ": got " << n->url << " host " << n->host.name << ", want " << r.want_url << " host " << r.want_host);
    CHECK(n->url == r.want_url);
    CHECK(n->host.name == r.want_host);
    CHECK(n->userinfo_trick == r.trick);
  }
  CHECK_FALSE(normalise_url("mailto:nobody"));
  CHECK_FALSE(normalise_url("news:comp.mail"));
  CHECK_FALSE(normalise_url("no scheme here"));
}

TEST_CASE("free text: what a mail client links", "[unit]") {
  struct Row {
    const char* label;
    std::string text;
    const char* want;  // links joined with " | "
  };
  const Row rows[] = {
      {"scheme URL", "see https://example.com/a?b=c now", "https://example.com/a?b=c"},
      {"sentence end", "Go to https://example.com/x.", "https://example.com/x"},
      {"parenthesised", "(https://example.com/x)", "https://example.com/x"},
      {"wiki parentheses kept", "https://en.wikipedia.example.org/wiki/A_(b)", "https://en.wikipedia.example.org/wiki/A_(b)"},
      {"angle brackets", "<https://example.com/>", "https://example.com/"},
      {"www host", "www.example.com/path", "http://www.example.com/path"},
      {"ftp host", "ftp.example.com", "ftp://ftp.example.com"},
      {"bare domain", "visit example.co.uk today", "http://example.co.uk"},
      {"bare domain with port", "example.com:8080/x", "http://example.com:8080/x"},
      {"address", "write to joe@example.com.", "mailto:joe@example.com"},
      {"address host not linked twice", "b@www.example.com", "mailto:b@www.example.com"},
      {"file names", "see readme.md and report.pdf", ""},
      {"unknown TLD", "foo.invalid and bar.notatld", ""},
      {"bare IP not a link", "10.1.1.1", ""},
      {"double dot", "xyz..example.com", ""},
      {"underscore in registered label", "a.b_c.com", ""},
      {"underscore in a subdomain", "a_b.example.com", "http://a_b.example.com"},
      {"glued scheme", "clickhttp://example.com", "http://example.com"},
      {"mailto scheme", "mailto:joe@example.com", "mailto:joe@example.com"},
      {"mailto without address: the domain is still named", "mailto:example.com", "http://example.com"},
      {"CJK around a domain", "\xE8\xAE\xBF\xE9\x97\xAE" "example.com" "\xE3\x80\x82", "http://example.com"},
      {"IDN in text", "www.b\xC3\xBC" "cher.de", "http://www.b\xC3\xBC" "cher.de"},
      {"control character ends", "http://example.com/\x1b(B", "http://example.com/"},
      {"path segment of something else", "files/example.com", ""},
      // Glued to non-ASCII punctuation, as Thunderbird, Gmail and Outlook end a link there.
      {"CJK corner brackets", "\xE3\x80\x8Chttps://a.example.com/x\xE3\x80\x8D", "https://a.example.com/x"},
      {"curly double quotes", "\xE2\x80\x9Chttps://a.example.com\xE2\x80\x9D", "https://a.example.com"},
      {"ideographic full stop after a path", "https://a.example.com/x\xE3\x80\x82next", "https://a.example.com/x"},
      {"ideographic full stop after a host", "https://a.example.com\xE3\x80\x82", "https://a.example.com"},
      {"ideographic full stop as a host dot", "https://a\xE3\x80\x82" "example.com/x", "https://a\xE3\x80\x82" "example.com/x"},
      {"guillemets", "\xC2\xABhttps://a.example.com\xC2\xBB", "https://a.example.com"},
      {"single guillemets", "\xE2\x80\xB9https://a.example.com\xE2\x80\xBA", "https://a.example.com"},
      {"ellipsis", "https://a.example.com/x\xE2\x80\xA6", "https://a.example.com/x"},
      {"double angle brackets", "\xE3\x80\x8Ahttps://a.example.com\xE3\x80\x8B", "https://a.example.com"},
      {"angle brackets (CJK)", "\xE3\x80\x88https://a.example.com\xE3\x80\x89", "https://a.example.com"},
      {"halfwidth corner brackets", "\xEF\xBD\xA2https://a.example.com\xEF\xBD\xA3", "https://a.example.com"},
      {"fullwidth exclamation", "https://a.example.com/x\xEF\xBC\x81", "https://a.example.com/x"},
      {"fullwidth parentheses", "\xEF\xBC\x88https://a.example.com\xEF\xBC\x89", "https://a.example.com"},
      {"ideographic comma", "https://a.example.com\xE3\x80\x81https://b.example.com", "https://a.example.com | https://b.example.com"},
      // Symbols and lightweight markup around a URL.
      {"bold asterisks", "*https://a.example.com*", "https://a.example.com"},
      {"double asterisks", "**https://a.example.com**", "https://a.example.com"},
      {"underscores", "_https://a.example.com_", "https://a.example.com"},
      {"tildes", "~https://a.example.com~", "https://a.example.com"},
      {"angle brackets around", "<https://a.example.com>", "https://a.example.com"},
      {"parentheses around", "(https://a.example.com)", "https://a.example.com"},
      {"square brackets around", "[https://a.example.com]", "https://a.example.com"},
      {"Markdown link", "[text](https://a.example.com/x)", "https://a.example.com/x"},
      {"pipes", "|https://a.example.com|", "https://a.example.com"},
      {"equals signs", "=https://a.example.com=", "https://a.example.com"},
      // URL lists.
      {"comma list without spaces", "https://a.example.com,https://b.example.com", "https://a.example.com | https://b.example.com"},
      {"semicolon list without spaces", "https://a.example.com/x;https://b.example.com/y", "https://a.example.com/x | https://b.example.com/y"},
      {"mixed list", "https://a.example.com;www.b.example.com,mailto:c@example.org",
       "https://a.example.com | http://www.b.example.com | mailto:c@example.org"},
      {"list of bare hosts", "www.a.example.com,www.b.example.com;c.example.org",
       "http://www.a.example.com | http://www.b.example.com | http://c.example.org"},
      {"comma list with spaces", "https://a.example.com, https://b.example.com; https://c.example.com",
       "https://a.example.com | https://b.example.com | https://c.example.com"},
      {"a comma inside a path stays", "https://a.example.com/a,b?c=d;e", "https://a.example.com/a,b?c=d;e"},
      {"angle-bracketed list", "<https://a.example.com>,<https://b.example.com>", "https://a.example.com | https://b.example.com"},
      // Non-ASCII hosts (the link as written; extraction normalises the host to its A-label).
      {"IDN scheme URL", "https://b\xC3\xBC" "cher.example.com/x", "https://b\xC3\xBC" "cher.example.com/x"},
      {"IDN address", "mailto:x@m\xC3\xBC" "nchen.de", "mailto:x@m\xC3\xBC" "nchen.de"},
      // Not hosts: message-part and message references, an address's local part.
      {"cid: reference", "cid:part1.06090408@example.com", ""},
      {"mid: reference", "mid:abc@example.com", ""},
      {"local part of an address with an unknown TLD", "mailto:first.name@host.invalid", ""},
      {"local part before a bad domain", "first.name@example..com", ""},
      {"fragment only", "#section.example.com", "http://section.example.com"},
      {"relative path", "/relative/page.example.com.html", ""},
      // Defanged schemes (rules/urls.toml): what SpamAssassin reads them as.
      {"defanged hxxp", "Check this link: hxxp://malicious.example.com/phish", "http://malicious.example.com/phish"},
      {"defanged hxxps, upper case", "HXXPS://malicious.example.com/", "https://malicious.example.com/"},
      {"an upper-case scheme kept as written", "HTTPS://a.example.com/", "HTTPS://a.example.com/"},
      // The scan jumps to the run around each '.': what it skips must not change what is found.
      {"nothing URL-like: no '.', ':' or '@'", "plain words and white space\n\t between tags", ""},
      {"a host after a long run of words", std::string(5000, 'w') + " go to example.com now", "http://example.com"},
      {"a host glued to a long run of letters", std::string(3000, 'x') + "example.com", ""},
      {"an IDN host after CJK text", "\xE8\xAF\xB7\xE8\xAE\xBF\xE9\x97\xAE b\xC3\xBC" "cher.example.com",
       "http://b\xC3\xBC" "cher.example.com"},
      {"a host after a broken UTF-8 lead byte", "\xE0 x example.com", "http://example.com"},
      // A three-byte lead reads the space and 'e' as its own: one run, no plausible host, as a full scan reads it.
      {"a lead byte swallowing the space before a host", "\xE0\x20" "example.com", ""},
      {"hosts on both sides of a scheme URL with dots", "a.example.com https://b.example.com/c.d.e f.example.com",
       "http://a.example.com | https://b.example.com/c.d.e | http://f.example.com"},
      {"a host after many used dots", "https://x.example.com/" + std::string(2000, '.') + " y.example.com",
       "https://x.example.com/ | http://y.example.com"},
  };
  for (const auto& r : rows) {
    std::string got = links_of(find_text_urls(r.text, url_rules()));
    INFO(r.label << ": got \"" << got << "\", want \"" << r.want << "\"");
    CHECK(got == r.want);
  }
}

TEST_CASE("HTML: every place a URL can hide", "[unit]") {
  struct Row {
    const char* label;
    std::string html;
    const char* source;
    const char* want_url;
  };
  const Row rows[] = {
      {"a href", "<a href='https://example.com/a'>x</a>", "html:a@href", "https://example.com/a"},
      {"entities decoded", "<a href='h&#116;tps://example&#46;com/'>x</a>", "html:a@href", "https://example.com/"},
      {"unquoted", "<a href=https://example.com/u>x</a>", "html:a@href", "https://example.com/u"},
      {"area", "<map><area href='https://example.com/m'></map>", "html:area@href", "https://example.com/m"},
      {"img src", "<img src='https://img.example.com/i.png'>", "html:img@src", "https://img.example.com/i.png"},
      {"srcset", "<img srcset='https://a.example.com/1.png 1x, https://b.example.com/2.png 2x'>", "html:img@srcset", "https://a.example.com/1.png"},
      {"video poster", "<video poster='https://v.example.com/p.jpg'></video>", "html:video@poster", "https://v.example.com/p.jpg"},
      {"form action", "<form action='https://f.example.com/post'></form>", "html:form@action", "https://f.example.com/post"},
      {"button formaction", "<button formaction='https://b.example.com/go'>x</button>", "html:button@formaction", "https://b.example.com/go"},
      {"object data", "<object data='https://o.example.com/o.swf'></object>", "html:object@data", "https://o.example.com/o.swf"},
      {"background", "<table background='https://bg.example.com/t.gif'><tr><td>x</td></tr></table>", "html:table@background", "https://bg.example.com/t.gif"},
      {"style attribute", "<div style=\"background-image:url('https://css.example.com/x.png')\">x</div>", "css:url", "https://css.example.com/x.png"},
      {"style element", "<style>@import \"https://imp.example.com/s.css\";</style>", "css:url", "https://imp.example.com/s.css"},
      {"meta refresh", "<meta http-equiv='refresh' content='0; url=https://r.example.com/'>", "html:meta@refresh", "https://r.example.com/"},
      {"base applied", "<base href='https://base.example.com/dir/'><a href='page.html'>x</a>", "html:a@href", "https://base.example.com/dir/page.html"},
      {"protocol-relative", "<a href='//p.example.com/x'>x</a>", "html:a@href", "http://p.example.com/x"},
      {"schemeless www", "<a href='www.example.com/x'>x</a>", "html:a@href", "http://www.example.com/x"},
      {"Outlook conditional comment", "<!--[if mso]><v:rect><v:fill src='https://vml.example.com/f.png'/></v:rect><![endif]-->", "vml:v:fill@src", "https://vml.example.com/f.png"},
      {"Gmail safe redirect", "<a href='https://a.example.com/' data-saferedirecturl='https://www.google.com/url?q=https://a.example.com/'>x</a>", "html:a@data-saferedirecturl", "https://www.google.com/url?q=https://a.example.com/"},
      {"visible text", "<p>Call us at www.example.org</p>", "html:text", "http://www.example.org"},
      {"style attribute with an entity-quoted url()", "<div style=\"background:url(&quot;https://q.example.com/a.png&quot;)\">x</div>", "css:url", "https://q.example.com/a.png"},
      {"style element url()", "<style>.a{background:url(https://se.example.com/bg.png)}</style>", "css:url", "https://se.example.com/bg.png"},
      {"@font-face src", "<style>@font-face{src:url('https://font.example.com/f.woff')}</style>", "css:url", "https://font.example.com/f.woff"},
      {"SVG image href", "<svg><image href='https://svg.example.com/s.svg'/></svg>", "html:img@href", "https://svg.example.com/s.svg"},
      {"SVG use xlink:href", "<svg><use xlink:href='https://svg.example.com/u.svg#i'/></svg>", "html:use@xlink:href", "https://svg.example.com/u.svg#i"},
      {"AMP image", "<amp-img src='https://amp.example.com/i.png' width='1' height='1'></amp-img>", "html:amp-img@src", "https://amp.example.com/i.png"},
      {"AMP list data", "<amp-list src='https://amp.example.com/d.json'></amp-list>", "html:amp-list@src", "https://amp.example.com/d.json"},
      {"AMP image srcset", "<amp-img srcset='https://amp2.example.com/2.png 2x'></amp-img>", "html:amp-img@srcset", "https://amp2.example.com/2.png"},
  };
  for (const auto& r : rows) {
    auto found = extract_html(r.html);
    const Url* u = find_source(found, r.source);
    INFO(r.label << ": want " << r.want_url << " from " << r.source << ", got " << (u ? u->url : "nothing"));
    REQUIRE(u);
    CHECK(u->url == r.want_url);
  }
  INFO("fragments, cid: and javascript: are no URLs to check");
  auto found = extract_html("<a href='#top'>x</a><img src='cid:logo'><a href='javascript:void(0)'>y</a>");
  CHECK(std::all_of(found.begin(), found.end(), [](const Url& u) { return u.source.starts_with("header:"); }));
}

TEST_CASE("parts scanned as HTML, hosts in A-label form", "[unit]") {
  struct Row {
    const char* label;
    const char* media_type;
    std::string body;
    const char* want;  // every URL found in the body (not the headers), joined with " | "
  };
  const Row rows[] = {
      {"AMP part: components and style", "text/x-amp-html",
       "<html \xE2\x9A\xA1" "4email><head><style amp-custom>.x{background:url(https://a.example.com/a.png)}</style></head>"
       "<body><amp-img src='https://b.example.com/i.png'></amp-img><a href='https://c.example.com/l'>l</a></body></html>",
       "https://a.example.com/a.png | https://b.example.com/i.png | https://c.example.com/l"},
      {"IDN host in HTML to A-label", "text/html", "<a href='https://b\xC3\xBC" "cher.example.com/x'>x</a>",
       "https://xn--bcher-kva.example.com/x"},
      {"IDN host in text to A-label", "text/plain", "see www.b\xC3\xBC" "cher.de.", "http://www.xn--bcher-kva.de"},
      {"IDN address to A-label", "text/plain", "x@m\xC3\xBC" "nchen.de", "mailto:x@xn--mnchen-3ya.de"},
      {"cid:, mailto: and fragments in HTML: no host but the address", "text/html",
       "<img src='cid:logo@parts.example.com'><a href='#top'>t</a><a href='mailto:u@example.org'>m</a>", "mailto:u@example.org"},
      {"cid: in text: no host", "text/plain", "see cid:image001.png@01D9A.example.com and first.last@host.invalid", ""},
  };
  for (const auto& r : rows) {
    std::string raw = test::crlf(std::string("From: a@example.com\nMIME-Version: 1.0\nContent-Type: ") + r.media_type +
                                 "; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n") + r.body;
    std::string got;
    for (const auto& u : extract_urls(parse_message(raw, "t", 0), url_rules()))
      if (!u.source.starts_with("header:")) got += (got.empty() ? "" : " | ") + u.url;
    INFO(r.label << ": got \"" << got << "\", want \"" << r.want << "\"");
    CHECK(got == r.want);
  }
}

TEST_CASE("flags: shortener, display mismatch, redirect unwrapping", "[unit]") {
  auto found = extract_html(
      "<a href='https://bit.ly/abc'>x</a>"
      "<a href='https://go.bit.ly/def'>x</a><a href='https://notbit.ly/ghi'>x</a><a href='https://bit.ly.example.com/j'>x</a>"
      "<a href='https://evil.example.net/login'>https://www.bank.example.com/</a>"
      "<a href='https://click.example.com/t?u=https%3A%2F%2Fshop.example.org%2Fsale'>shop.example.org</a>");
  auto with = [&](const std::string& url) -> const Url* {
    for (const auto& u : found)
      if (u.url == url) return &u;
    return nullptr;
  };
  const Url* shortener = with("https://bit.ly/abc");
  REQUIRE(shortener);
  CHECK(shortener->has("shortener"));
  // A shortener's subdomain is one; a name that only ends in its letters, or holds it in front, is not.
  struct Row {
    const char* url;
    bool want;
  };
  for (const Row& r : {Row{"https://go.bit.ly/def", true}, Row{"https://notbit.ly/ghi", false},
                       Row{"https://bit.ly.example.com/j", false}}) {
    const Url* u = with(r.url);
    REQUIRE(u);
    INFO(r.url << ": got shortener " << u->has("shortener") << ", want " << r.want);
    CHECK(u->has("shortener") == r.want);
  }
  const Url* phish = with("https://evil.example.net/login");
  REQUIRE(phish);
  CHECK(phish->has("display_mismatch"));
  const Url* tracker = with("https://click.example.com/t?u=https://shop.example.org/sale");
  REQUIRE(tracker);
  CHECK(tracker->has("redirect"));
  INFO("the anchor names the redirect's target: no mismatch");
  CHECK_FALSE(tracker->has("display_mismatch"));
  const Url* target = with("https://shop.example.org/sale");
  REQUIRE(target);
  CHECK(target->has("unwrapped"));
  CHECK(target->via == tracker->url);
}

TEST_CASE("embedded redirect targets", "[unit]") {
  struct Row {
    const char* label;
    const char* url;
    const char* want;
  };
  const Row rows[] = {
      {"google url?q=", "https://www.google.com/url?q=https://target.example.com/x&sa=D", "https://target.example.com/x"},
      {"any query value", "https://t.example.net/c?id=5&dest=https%253A%252F%252Ftarget.example.com%252F", "https://target.example.com/"},
      {"path tail", "https://t.example.net/redirect/https://target.example.com/p", "https://target.example.com/p"},
      {"collapsed slashes", "https://t.example.net/r/https:/target.example.com/p", "https://target.example.com/p"},
      {"base64 path segment", "https://t.example.net/r/aHR0cHM6Ly90YXJnZXQuZXhhbXBsZS5jb20vYg==", "https://target.example.com/b"},
      {"rule with host in path", "http://www.nate.com/r/DM03/target.example.com/bam/?man=1", "http://target.example.com/bam/?man=1"},
      {"no target", "https://example.com/a?b=c", ""},
      // A target's own query: an encoded '&' in it is not where the wrapper's query splits.
      {"encoded target with an encoded query", "https://click.example.com/t?u=https%3A%2F%2Fshop.example.org%2Fp%3Fa%3D1%26b%3D2&id=9",
       "https://shop.example.org/p?a=1&b=2"},
      {"target's own %26 kept", "https://t.example.net/c?u=https%3A%2F%2Fshop.example.org%2Fs%3Fq%3Dtom%2526jerry",
       "https://shop.example.org/s?q=tom%26jerry"},
      {"google q= with %26 in the target", "https://www.google.com/url?q=https://shop.example.org/s?x%3D1%26y%3D2&sa=D",
       "https://shop.example.org/s?x%3D1%26y%3D2"},
      {"twice-encoded target keeps its own %26",
       "https://t.example.net/c?dest=https%253A%252F%252Fshop.example.org%252Fs%253Fq%253Dtom%252526jerry",
       "https://shop.example.org/s?q=tom%26jerry"},
      {"safe links with an encoded '&'",
       "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fshop.example.org%2Fp%3Fa%3D1%26b%3D2&data=05%7C01",
       "https://shop.example.org/p?a=1&b=2"},
      {"encoded host in a plain target decoded", "https://t.example.net/c?u=https://shop%2Eexample.org/p", "https://shop.example.org/p"},
      {"upper-case redirector host", "https://WWW.GOOGLE.COM/url?q=https://target.example.com/x&sa=D", "https://target.example.com/x"},
  };
  for (const auto& r : rows) {
    std::string got = embedded_target(r.url, url_rules());
    INFO(r.label << ": got \"" << got << "\", want \"" << r.want << "\"");
    CHECK(got == r.want);
  }
}

TEST_CASE("unwrapped targets through extraction: not cut at their own encoded '&'", "[unit]") {
  struct Row {
    const char* label;
    const char* href;
    const char* want;  // the unwrapped target's normalised URL
  };
  const Row rows[] = {
      {"encoded target with a query", "https://click.example.com/t?u=https%3A%2F%2Fshop.example.org%2Fp%3Fa%3D1%26b%3D2&amp;id=9",
       "https://shop.example.org/p?a=1&b=2"},
      {"target's own %26", "https://t.example.net/c?u=https%3A%2F%2Fshop.example.org%2Fs%3Fq%3Dtom%2526jerry%26page%3D2",
       "https://shop.example.org/s?q=tom%26jerry&page=2"},
      {"google q= with %26", "https://www.google.com/url?q=https://shop.example.org/s?x%3D1%26y%3D2&amp;sa=D",
       "https://shop.example.org/s?x=1%26y=2"},
  };
  for (const auto& r : rows) {
    auto found = extract_html(std::string("<a href=\"") + r.href + "\">x</a>");
    std::string got;
    for (const auto& u : found)
      if (u.has("unwrapped")) got = u.url;
    INFO(r.label << ": got \"" << got << "\", want \"" << r.want << "\"");
    CHECK(got == r.want);
  }
  INFO("normalising keeps an encoded '&', '#' or '+' in a query and '?' or '#' in a path");
  auto n = normalise_url("https://a.example/p%3Fx%23y?q=a%26b%23c%2Bd%3De");
  REQUIRE(n);
  CHECK(n->url == "https://a.example/p%3Fx%23y?q=a%26b%23c%2Bd=e");
}

namespace {
// http://h0.example.org/?u=http://h1.example.org/?u=... with `levels` hosts, as written in text.
std::string plain_chain(int levels) {
  std::string s;
  for (int i = levels - 1; i >= 0; --i)
    s = "http://h" + std::to_string(i) + ".example.org/" + (s.empty() ? "" : "?u=" + s);
  return s;
}
// The same chain with each level percent-encoded once more than the one outside it.
std::string encoded_chain(int levels) {
  std::string s;
  for (int i = levels - 1; i >= 0; --i) {
    std::string inner;
    for (char c : s) {
      if (c == ':' || c == '/' || c == '?' || c == '=' || c == '%') {
        static const char* hex = "0123456789ABCDEF";
        inner += '%';
        inner += hex[static_cast<unsigned char>(c) >> 4];
        inner += hex[static_cast<unsigned char>(c) & 15];
      } else {
        inner += c;
      }
    }
    s = "http://h" + std::to_string(i) + ".example.org/" + (s.empty() ? "" : "?u=" + inner);
  }
  return s;
}
std::set<std::string> hosts_of(const std::vector<Url>& v) {
  std::set<std::string> out;
  for (const auto& u : v)
    if (!u.host.empty()) out.insert(u.host);
  return out;
}
}  // namespace

TEST_CASE("redirect chains: every level unwrapped up to the bound", "[unit]") {
  struct Row {
    const char* label;
    std::string body;
    bool html;
    int found;  // h0 .. h(found-1) reported
    int levels;  // hosts in the chain; h(found) .. h(levels-1) not reported
  };
  const Row rows[] = {
      {"13 levels in text (rspamd's url_query_nesting.eml)", "Please click " + plain_chain(13) + " now.", false, 13, 13},
      {"6 levels, each encoded once more (phishing_query_overcap.eml)", "<a href=\"" + encoded_chain(6) + "\">x</a>", true, 6, 6},
      {"4 levels, the old bound of 3 exceeded by one", plain_chain(4), false, 4, 4},
      {"exactly the bound: kMaxUnwrap redirects, kMaxUnwrap + 1 hosts", plain_chain(kMaxUnwrap + 1), false,
       kMaxUnwrap + 1, kMaxUnwrap + 1},
      {"a chain past the bound stops there", plain_chain(kMaxUnwrap + 5), false, kMaxUnwrap + 1, kMaxUnwrap + 5},
      {"in HTML past the bound", "<a href=\"" + plain_chain(kMaxUnwrap + 3) + "\">x</a>", true, kMaxUnwrap + 1,
       kMaxUnwrap + 3},
      {"a link over kLongLinkBytes: kLongLinkUnwrap levels, as before",
       plain_chain(10) + std::string(kLongLinkBytes, 'x'), false, kLongLinkUnwrap + 1, 10},
      {"just under kLongLinkBytes: every level", plain_chain(10) + std::string(kLongLinkBytes - 400, 'x'), false, 10, 10},
  };
  for (const auto& r : rows) {
    std::string raw = test::crlf(std::string("From: a@example.com\nMIME-Version: 1.0\nContent-Type: ") +
                                 (r.html ? "text/html" : "text/plain") + "; charset=utf-8\n\n") + r.body + "\r\n";
    auto hosts = hosts_of(extract_urls(parse_message(raw, "t", 0), url_rules()));
    for (int i = 0; i < r.levels; ++i) {
      std::string h = "h" + std::to_string(i) + ".example.org";
      bool want = i < r.found;
      INFO(r.label << ": " << h << ": got " << (hosts.count(h) ? "found" : "not found") << ", want "
                   << (want ? "found" : "not found"));
      CHECK(hosts.count(h) == (want ? 1u : 0u));
    }
  }
  ExtractLimits five;
  five.max_urls = 5;
  std::string raw = test::crlf("From: a@example.com\nContent-Type: text/plain\n\n") + plain_chain(10) + "\r\n";
  auto records = extract_urls(parse_message(raw, "t", 0), url_rules(), five);
  std::string got;
  for (const auto& u : records) got += u.host + " ";
  INFO("max_urls 5 on a chain of 10 after the From record: got " << got << ", want the From and h0..h3, no more");
  CHECK(got == "example.com h0.example.org h1.example.org h2.example.org h3.example.org ");
}

TEST_CASE("a multipart without its opening boundary: the preamble's URLs found, a normal preamble's not", "[unit]") {
  struct Row {
    const char* label;
    const char* body;
    std::set<std::string> want;  // hosts of the body (the From domain left out)
  };
  const Row rows[] = {
      {"fields then HTML (badmime3)",
       "Content-Type: text/html\n\n<a href=\"http://count.example.com/c?forward=http://land.example.com/x\">"
       "<img src=\"http://www.img.example.com/1.jpg\"></a>\n",
       {"count.example.com", "land.example.com", "www.img.example.com"}},
      {"no fields: read as text", "Visit www.text.example.com now\n", {"www.text.example.com"}},
      {"a normal preamble adds nothing",
       "This is a multi-part message in MIME format. www.pre.example.com\n--b\nContent-Type: text/plain\n\n"
       "http://body.example.com/\n--b--\n",
       {"body.example.com"}},
  };
  for (const auto& r : rows) {
    std::string raw = test::crlf(std::string("From: a@example.com\nMIME-Version: 1.0\n"
                                             "Content-Type: multipart/alternative; boundary=b\n\n") + r.body);
    auto hosts = hosts_of(extract_urls(parse_message(raw, "t", 0), url_rules()));
    hosts.erase("example.com");
    INFO(r.label << ": got " << test::join({hosts.begin(), hosts.end()}) << ", want "
                 << test::join({r.want.begin(), r.want.end()}));
    CHECK(hosts == r.want);
  }
}

TEST_CASE("headers: List-* URIs, address domains, Message-ID, Subject", "[unit]") {
  std::string raw = test::crlf(
      "From: News <news@news.example.com>\nReply-To: r@reply.example.org\n"
      "Message-ID: <abc@mid.example.net>\nSubject: Sale at www.shop.example.com\n"
      "List-Unsubscribe: <https://u.example.com/x>, <mailto:u@example.com>\n\nbody\n");
  auto found = extract_urls(parse_message(raw, "t", 0), url_rules());
  std::vector<std::string> got;
  for (const auto& u : found) got.push_back(u.source + " " + u.url);
  std::vector<std::string> want = {"header:From mailto:news@news.example.com", "header:Reply-To mailto:r@reply.example.org",
                                   "header:Message-ID mid:abc@mid.example.net", "header:Subject http://www.shop.example.com",
                                   "header:List-Unsubscribe https://u.example.com/x",
                                   "header:List-Unsubscribe mailto:u@example.com"};
  INFO("got " << test::join(got) << ", want " << test::join(want));
  CHECK(got == want);
  CHECK(distinct_domains(found) == std::vector<std::string>{"example.com", "example.net", "example.org"});
}

TEST_CASE("hostile HTML stays bounded", "[unit]") {
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<div>";
  deep += "<a href='https://deep.example.com/'>x</a>";
  // The streaming scanner has no depth to exhaust: a link behind 200,000 open <div>s is still found
  // (gumbo's tree, the oracle, stops at its tag bound and reads nothing).
  auto found = find_html_urls(deep, url_rules());
  INFO("got " << found.size() << " URLs behind the deep nesting, want 1");
  CHECK(found.size() == 1);
  CHECK(find_html_urls_tree(deep, url_rules()).empty());
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "<a href='https://h" + std::to_string(i) + ".example.com/'>x</a>";
  CHECK(find_html_urls(many, url_rules(), 100).size() == 100);
  CHECK(find_css_urls(std::string(100000, '(')).empty());
}

TEST_CASE("css: url() and @import found in order, whatever surrounds them", "[unit]") {
  struct Row {
    const char* label;
    std::string css;
    std::size_t max;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"nothing", "color:#333;padding:8px", 10, {}},
      {"parentheses that are not url(", "width:calc(100% - 2px);color:rgb(1,2,3)", 10, {}},
      {"url( in any case, quoted or not", "a{b:URL('x.png')} c{d:uRl(y.png)} e{f:url( \"z.png\" )}", 10, {"x.png", "y.png", "z.png"}},
      {"a url( right after another u", "uurl(a.png)", 10, {"a.png"}},
      {"url at the very start and @import after it", "url(a.png);@import 'b.css';", 10, {"a.png", "b.css"}},
      {"@import before url(", "@import \"b.css\"; x{y:url(a.png)}", 10, {"b.css", "a.png"}},
      {"@import without quotes is not read", "@import b.css; x{y:url(a.png)}", 10, {"a.png"}},
      {"@media is no @import", "@media screen{x{y:url(m.png)}}", 10, {"m.png"}},
      {"an unclosed quote runs to the end", "x{y:url('a.png", 10, {"a.png"}},
      {"a url( inside a url value is not read again", "x{y:url('u(url(b.png)')}", 10, {"u(url(b.png)"}},
      {"the bound", "url(a) url(b) url(c)", 2, {"a", "b"}},
      {"url( as the last four bytes", "x url(", 10, {}},
  };
  for (const auto& row : rows) {
    auto got = find_css_urls(row.css, row.max);
    INFO(row.label << ": got " << test::join(got) << ", want " << test::join(row.want));
    CHECK(got == row.want);
  }
}
