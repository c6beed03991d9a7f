// The streaming HTML tokenizer, table-driven: tokens for the states that matter to URLs, character
// references by the standard's rules, and hostile shapes staying linear (by ratio, not by the clock).
#include <catch2/catch.hpp>
#include <ctime>

#include <algorithm>
#include <string>

#include "urls/html_scan.hpp"

using namespace mailaudit::urls;

namespace {

// Tokens as "<a href=x>", "</a>", "'text'", "text@style'...'", "<!comment!>".
std::string dump(std::string_view html) {
  HtmlScanner s(html);
  HtmlToken t;
  std::string out;
  while (s.next(t)) {
    switch (t.kind) {
      case HtmlToken::start_tag:
        out += "<" + t.name;
        for (std::size_t i = 0; i < t.attr_count; ++i) out += " " + t.attrs[i].name + "=" + t.attrs[i].value;
        out += t.self_closing ? "/>" : ">";
        break;
      case HtmlToken::end_tag:
        out += "</" + t.name + ">";
        break;
      case HtmlToken::text:
        out += (t.name.empty() ? "" : t.name + "@") + "'" + t.data + "'";
        break;
      case HtmlToken::comment:
        out += "<!" + t.data + "!>";
        break;
    }
  }
  return out;
}

std::string decoded(std::string_view in, bool attribute) {
  std::string out;
  append_decoded(out, in, attribute);
  return out;
}

}  // namespace

TEST_CASE("HTML scanner: tokens", "[urls]") {
  struct Row {
    const char* label;
    const char* html;
    const char* want;
  };
  const Row rows[] = {
      {"text and a link", "hi <a href=\"http://x.example/\">go</a>", "'hi '<a href=http://x.example/>'go'</a>"},
      {"quoting kinds", "<img src='a b' alt=c data-x=\"d\">", "<img src=a b alt=c data-x=d>"},
      {"names lower-cased, first duplicate wins", "<A HREF=one href=two>", "<a href=one>"},
      {"attribute without value, then one with", "<input disabled value=x>", "<input disabled= value=x>"},
      {"spaces around =", "<a href = \"u\" >", "<a href=u>"},
      {"unquoted value ends at space or >", "<a href=http://x/?a=1&amp;b=2>t", "<a href=http://x/?a=1&b=2>'t'"},
      {"self-closing", "<br/><img src=x />", "<br/><img src=x/>"},
      {"a leading = is part of the name", "<a =x href=y>", "<a =x= href=y>"},
      {"slash between attributes", "<a/href=y>", "<a href=y>"},
      {"'<' that opens nothing is text", "a < b <3 c", "'a < b <3 c'"},
      {"comment", "x<!-- <a href=no> -->y", "'x'<! <a href=no> !>'y'"},
      {"empty comments", "<!-->a<!--->b", "<!!>'a'<!!>'b'"},
      {"--!> ends a comment", "<!--c--!>d", "<!c!>'d'"},
      {"unterminated comment runs to the end", "<!--abc", "<!abc!>"},
      {"bogus comment and doctype", "<!DOCTYPE html><?xml v?></ x>", "<!DOCTYPE html!><!?xml v?!><! x!>"},
      {"Outlook downlevel-revealed", "<![if !mso]><a href=u>t</a><![endif]>",
       "<![if !mso]!><a href=u>'t'</a><![endif]!>"},
      {"style is raw text", "<style>a{background:url(x.png)}</b></style>t",
       "<style>style@'a{background:url(x.png)}</b>'</style>'t'"},
      {"script is raw text, end tag needs a delimiter", "<script>if(a</scripts)x</script >",
       "<script>script@'if(a</scripts)x'</script>"},
      {"title is RCDATA: references decoded, tags not", "<title>A &amp; <b>B</title>", "<title>title@'A & <b>B'</title>"},
      {"textarea end tag in any case", "<textarea>x</TEXTAREA>", "<textarea>textarea@'x'</textarea>"},
      {"raw text without an end tag runs to the end", "<style>a{}", "<style>style@'a{}'"},
      {"plaintext is text to the end", "<plaintext></plaintext><a>", "<plaintext>plaintext@'</plaintext><a>'"},
      {"image is read as img", "<image src=u>", "<img src=u>"},
      {"a tag cut by the end of input is dropped", "a<a href=\"u", "'a'"},
      {"end tag attributes are dropped", "</a href=x>", "</a>"},
      {"</> is nothing", "a</>b", "'a''b'"},
      {"'<' at the very end is text", "a<", "'a<'"},
  };
  for (const auto& r : rows) {
    const std::string got = dump(r.html);
    INFO(r.label << ": got " << got << ", want " << r.want);
    CHECK(got == r.want);
  }
}

TEST_CASE("HTML scanner: character references", "[urls]") {
  struct Row {
    const char* label;
    const char* in;
    bool attribute;
    const char* want;
  };
  const Row rows[] = {
      {"named", "a&amp;b&lt;&gt;&quot;", false, "a&b<>\""},
      {"legacy name without ;", "&amp b &copy", false, "& b \xc2\xa9"},
      {"longest match: &notin; vs &not", "&notin; &notit;", false, "\xe2\x88\x89 \xc2\xacit;"},
      {"in an attribute, a legacy name before = or alnum stays", "?a=1&copy=2&ampx&amp;y", true, "?a=1&copy=2&ampx&y"},
      {"in text the same legacy name is decoded", "&copy=2", false, "\xc2\xa9=2"},
      {"unknown name stays", "&nosuch; &", false, "&nosuch; &"},
      {"decimal and hex", "&#104;&#x74;&#X54;p", false, "htTp"},
      {"numeric without ;", "&#104ttp", false, "http"},
      {"no digits is not a reference", "&#; &#x;", false, "&#; &#x;"},
      {"zero, surrogates and beyond Unicode become U+FFFD", "&#0;&#xD800;&#x110000;&#99999999999;", false,
       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
      {"C1 controls read as windows-1252", "&#x80;&#150;", false, "\xe2\x82\xac\xe2\x80\x93"},
      {"names with two code points", "&NotEqualTilde;", false, "\xe2\x89\x82\xcc\xb8"},
  };
  for (const auto& r : rows) {
    const std::string got = decoded(r.in, r.attribute);
    INFO(r.label << ": got \"" << got << "\", want \"" << r.want << "\"");
    CHECK(got == r.want);
  }
}

TEST_CASE("HTML scanner: hostile shapes are linear (8x the input takes under 20x the time)", "[urls]") {
  struct Shape {
    const char* label;
    std::string unit;  // repeated to the size
  };
  const Shape shapes[] = {
      {"deep nesting", "<div>"},
      {"many siblings", "<p><a href=\"http://x.example/\">t</a></p>"},
      {"long line of text", "word word word "},
      {"many attributes in one tag", " a=1"},
      {"many references", "&amp;&#x41;&notin;"},
      {"many '<' that open nothing", "< "},
      {"many unterminated comments", "<!-- "},
      {"many raw-text starts", "<style>"},
  };
  for (const auto& s : shapes) {
    auto time_for = [&](std::size_t bytes) {
      std::string html = s.label == std::string("many attributes in one tag") ? "<a" : "";
      while (html.size() < bytes) html += s.unit;
      html += ">";
      // This thread's CPU time, not the wall clock: a busy machine (other test processes beside this one)
      // preempts the scan without making it slower.
      auto cpu_ns = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
      };
      const double t0 = cpu_ns();
      HtmlScanner sc(html);
      HtmlToken t;
      std::size_t n = 0;
      while (sc.next(t)) ++n;
      const double ns = cpu_ns() - t0;
      CHECK(n > 0);
      return ns;
    };
    // The best of three runs of each size, so that a busy machine's hiccup is not read as growth.
    auto best_of = [&](std::size_t bytes) { return std::min({time_for(bytes), time_for(bytes), time_for(bytes)}); };
    double small = best_of(1u << 20), big = best_of(8u << 20);
    INFO(s.label << ": 1 MB " << small / 1e6 << " ms, 8 MB " << big / 1e6 << " ms, ratio " << big / small);
    CHECK(big / small < 20.0);
  }
}
