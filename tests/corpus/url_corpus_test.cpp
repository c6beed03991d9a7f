// URL extraction against public data: SpamAssassin's URI test cases (shared/corpora/urls), and every
// message and HTML template of shared/corpora/messages through extraction without an error.
#include <catch2/catch.hpp>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "message/message.hpp"
#include "rules/rules.hpp"
#include "test_support.hpp"
#include "urls/extract.hpp"
#include "urls/html_urls.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;

namespace {

const rules::Rules& rules_() {
  static const rules::Rules r = rules::Rules::builtin();
  return r;
}

// The case's input as SpamAssassin's tests place it: a text/plain line, or <a href="INPUT"> in HTML.
Message case_message(const std::string& input, bool html) {
  std::string body = html ? "<html><body><a href=\"" + input + "\">link</a></body></html>" : input;
  std::string raw = "From: a@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\nContent-Type: " +
                    std::string(html ? "text/html" : "text/plain") + "; charset=utf-8\r\n\r\n" + body + "\r\n";
  return parse_message(raw, "case", 0);
}

// SpamAssassin's test regexes are Perl; the escapes it uses that ECMAScript rejects are \@ and \#.
std::regex perl_regex(std::string re) {
  std::string out;
  for (std::size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\' && i + 1 < re.size() && (re[i + 1] == '@' || re[i + 1] == '#')) continue;
    out += re[i];
  }
  return std::regex(out, std::regex::ECMAScript);
}

// Perl's /m: ^ and $ at line boundaries; the patterns never span lines, so each line is tried alone.
bool matches_a_line(const std::regex& re, const std::vector<std::string>& lines) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return std::regex_search(l, re); });
}

}  // namespace

TEST_CASE("SpamAssassin URI cases: at least 95% pass", "[corpus]") {
  fs::path file = test::corpora_dir() / "urls" / "spamassassin-uri-cases.jsonl";
  if (!fs::exists(file)) {
    WARN("corpus not found at " << file << ": skipped");
    return;
  }
  std::ifstream in(file);
  std::string line;
  std::size_t total = 0, passed = 0;
  while (std::getline(in, line)) {
    auto c = nlohmann::json::parse(line);
    bool html = c["src"].get<std::string>().find("uri_html") != std::string::npos;
    std::string input = c["input"];
    auto found = urls::extract_urls(case_message(input, html), rules_().urls());
    // What SpamAssassin's test joins: every form of every URL from the body (raw, as linked, normalised).
    std::vector<std::string> lines;
    for (const auto& u : found)
      if (!u.source.starts_with("header:")) lines.insert(lines.end(), {u.raw, u.link, u.url});
    std::string misses;
    for (const auto& re : c["must_match"])
      if (!matches_a_line(perl_regex(re), lines)) misses += " missing /" + re.get<std::string>() + "/";
    for (const auto& re : c["must_not_match"])
      if (matches_a_line(perl_regex(re), lines)) misses += " unexpected /" + re.get<std::string>() + "/";
    ++total;
    if (misses.empty()) ++passed;
    else {
      std::string got;
      for (const auto& l : lines) got += " \"" + l + "\"";
      std::cout << "uri case " << (html ? "html" : "text") << " \"" << input << "\":" << misses << "; got" << got << "\n";
    }
  }
  double rate = total ? 100.0 * static_cast<double>(passed) / static_cast<double>(total) : 0;
  std::cout << "SpamAssassin URI cases: " << passed << "/" << total << " pass (" << rate << "%)\n";
  CHECK(total == 257);
  CHECK(rate >= 95.0);
}

TEST_CASE("every corpus message and wrapped HTML template goes through extraction", "[corpus]") {
  fs::path dir = test::corpora_dir() / "messages";
  if (!fs::exists(dir)) {
    WARN("corpus not found at " << dir << ": skipped");
    return;
  }
  std::size_t messages = 0, templates = 0, found = 0, html_found = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    if (name.starts_with("LICENSE") || name.starts_with("NOTICE") || name.starts_with("README")) continue;
    std::string bytes = test::read_file(e.path());
    INFO(e.path());
    if (e.path().extension() == ".html") {
      std::string raw = "From: a@example.com\r\nSubject: template\r\nMIME-Version: 1.0\r\n"
                        "Content-Type: text/html; charset=utf-8\r\n\r\n" + bytes;
      auto us = urls::extract_urls(parse_message(raw, e.path().string(), 0), rules_().urls());
      html_found += us.size();
      ++templates;
      continue;
    }
    if (!not_a_message_reason(bytes).empty()) continue;
    REQUIRE_NOTHROW(found += urls::extract_urls(parse_message(bytes, e.path().string(), 0), rules_().urls()).size());
    ++messages;
  }
  std::cout << "url extraction: " << messages << " messages (" << found << " URLs), " << templates
            << " HTML templates (" << html_found << " URLs)\n";
  CHECK(messages > 300);
  CHECK(templates > 20);
  CHECK(html_found > templates);  // templates are full of links; none found would mean the HTML path is dead
}

namespace {

// "source raw -> link [anchor]" per URL, sorted: what the two HTML readers are compared on.
std::vector<std::string> url_lines(const std::vector<urls::HtmlUrl>& us) {
  std::vector<std::string> out;
  for (const auto& u : us) out.push_back(u.source + " " + u.raw + " -> " + u.link + " [" + u.anchor_text + "]");
  std::sort(out.begin(), out.end());
  return out;
}

std::string difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> d;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(d));
  std::string s;
  for (const auto& x : d) s += "\n    " + x;
  return s;
}

}  // namespace

// The streaming scanner against gumbo's tree on every HTML part of the corpora: the same URLs, sources,
// links and anchor texts.
TEST_CASE("the streaming HTML scanner finds what gumbo's tree finds on every corpus HTML part", "[corpus]") {
  fs::path dir = test::corpora_dir() / "messages";
  if (!fs::exists(dir)) {
    WARN("corpus not found at " << dir << ": skipped");
    return;
  }
  std::size_t parts = 0, same = 0, urls_seen = 0;
  std::string report;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string bytes = test::read_file(e.path());
    std::vector<std::string> htmls;
    if (e.path().extension() == ".html") {
      htmls.push_back(bytes);
    } else if (not_a_message_reason(bytes).empty()) {
      Message m = parse_message(bytes, e.path().string(), 0);
      for (const auto& p : m.parts)
        if (p.media_type == "text/html") htmls.push_back(p.body);
    }
    for (const auto& html : htmls) {
      ++parts;
      auto scan = url_lines(urls::find_html_urls(html, rules_().urls()));
      auto tree = url_lines(urls::find_html_urls_tree(html, rules_().urls()));
      urls_seen += tree.size();
      if (scan == tree) {
        ++same;
        continue;
      }
      report += "\n  " + e.path().string() + "\n   only the scanner:" + difference(scan, tree) +
                "\n   only gumbo:" + difference(tree, scan);
    }
  }
  std::cout << "HTML scanner vs gumbo: " << same << " of " << parts << " HTML parts identical (" << urls_seen
            << " URLs by gumbo)" << report << "\n";
  CHECK(parts > 100);
  CHECK(same == parts);
}

// The same on the URL fuzz corpus (fixtures/fuzz/urls: inputs libFuzzer kept for reaching new code).
TEST_CASE("the streaming HTML scanner finds what gumbo's tree finds on the URL fuzz corpus", "[corpus]") {
  fs::path dir = test::source_dir() / "fixtures" / "fuzz" / "urls";
  std::size_t inputs = 0, same = 0;
  std::string report;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    // Gumbo turns C0 controls (ESC, BEL, ...) into U+FFFD, which browsers do not: the scanner keeps them
    // (a URL then ends at an ISO-2022 escape instead of swallowing it). Both get the input with the
    // controls already replaced, so that the comparison stays exact.
    std::string html;
    for (char c : test::read_file(e.path())) {
      unsigned char u = static_cast<unsigned char>(c);
      bool control = (u >= 0x01 && u <= 0x08) || u == 0x0B || (u >= 0x0E && u <= 0x1F) || u == 0x7F;
      html += control ? std::string("\xef\xbf\xbd") : std::string(1, c);
    }
    ++inputs;
    auto scan = url_lines(urls::find_html_urls(html, rules_().urls()));
    auto tree = url_lines(urls::find_html_urls_tree(html, rules_().urls()));
    if (scan == tree) {
      ++same;
      continue;
    }
    report += "\n  " + e.path().filename().string() + "\n   only the scanner:" + difference(scan, tree) +
              "\n   only gumbo:" + difference(tree, scan);
  }
  std::cout << "HTML scanner vs gumbo on the fuzz corpus: " << same << " of " << inputs << " identical" << report << "\n";
  CHECK(inputs > 100);
  CHECK(same == inputs);
}
