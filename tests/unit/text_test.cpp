// util/text: placeholders filled into the rules' sentences (every finding of every message goes through it).
#include <catch2/catch.hpp>

#include "util/text.hpp"

using namespace mailaudit;

TEST_CASE("text::fill: placeholders replaced, everything else as written", "[unit]") {
  struct Row {
    const char* label;
    std::string templ;
    std::string want;
  };
  const std::vector<std::pair<std::string, std::string>> args = {{"host", "mx.example.com"}, {"n", "3"}, {"empty", ""}};
  const Row rows[] = {
      {"no placeholder", "The message has no DKIM signature", "The message has no DKIM signature"},
      {"empty template", "", ""},
      {"placeholder alone", "{host}", "mx.example.com"},
      {"at the start and the end", "{n} hosts, first {host}", "3 hosts, first mx.example.com"},
      {"adjacent placeholders", "{n}{host}{n}", "3mx.example.com3"},
      {"a value that is empty", "[{empty}]", "[]"},
      {"an unknown name stays", "{nope} and {host}", "{nope} and mx.example.com"},
      {"an unclosed brace stays", "open {host", "open {host"},
      {"an empty name stays", "{} {n}", "{} 3"},
      {"a brace before a placeholder", "{{host}}", "{mx.example.com}"},
      {"a closing brace alone", "a } b {n}", "a } b 3"},
      {"non-ASCII text around it", "Délai {n} s — fin", "Délai 3 s — fin"},
      {"a value holding braces is not filled again", "{x}", "{n}"},
  };
  for (const auto& row : rows) {
    auto a = args;
    a.push_back({"x", "{n}"});
    std::string got = text::fill(row.templ, a);
    INFO(row.label << ": got \"" << got << "\", want \"" << row.want << "\"");
    CHECK(got == row.want);
  }
}
