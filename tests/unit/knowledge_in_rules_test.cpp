// The layout's promises, checked on the sources: every check has its own test file, and no knowledge
// (provider and list names, list zones, reply codes, English sentences) is left in the C++ of audit/ and
// checks/, where a rules change could not reach it. Comments may name anything: they are stripped first.
#include <toml++/toml.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>

#include "registry.hpp"
#include "rules/rules.hpp"
#include "test_support.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;

namespace {

struct Source {
  std::string path;
  std::string code;                  // comments replaced by spaces, string literals kept
  std::vector<std::string> strings;  // the contents of every string literal
};

// Strips // and /* */ comments; collects "…" and R"d(…)d" literals. Character literals are skipped so
// that '"' does not open a string.
Source read_source(const fs::path& p) {
  std::string in = test::read_file(p);
  Source s{fs::relative(p, test::source_dir()).string(), {}, {}};
  for (std::size_t i = 0; i < in.size();) {
    if (in.compare(i, 2, "//") == 0) {
      while (i < in.size() && in[i] != '\n') ++i;
    } else if (in.compare(i, 2, "/*") == 0) {
      auto end = in.find("*/", i + 2);
      i = end == std::string::npos ? in.size() : end + 2;
      s.code += ' ';
    } else if (in.compare(i, 2, "R\"") == 0) {
      auto open = in.find('(', i);
      std::string close = ")" + in.substr(i + 2, open - i - 2) + "\"";
      auto end = in.find(close, open);
      std::string body = in.substr(open + 1, end - open - 1);
      s.strings.push_back(body);
      s.code += "\"" + body + "\"";
      i = end + close.size();
    } else if (in[i] == '"') {
      std::string body;
      for (++i; i < in.size() && in[i] != '"'; ++i) {
        if (in[i] == '\\' && i + 1 < in.size()) body += in[i++];
        body += in[i];
      }
      ++i;
      s.strings.push_back(body);
      s.code += "\"" + body + "\"";
    } else if (in[i] == '\'' && i + 2 < in.size()) {
      auto end = in.find('\'', i + (in[i + 1] == '\\' ? 3 : 2));
      s.code += in.substr(i, end - i + 1);
      i = end + 1;
    } else {
      s.code += in[i++];
    }
  }
  return s;
}

std::vector<Source> sources(const std::vector<std::string>& folders) {
  std::vector<Source> out;
  for (const auto& folder : folders)
    for (const auto& e : fs::recursive_directory_iterator(test::source_dir() / folder)) {
      auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".cpp" || ext == ".hpp")) out.push_back(read_source(e.path()));
    }
  return out;
}

toml::table rules_file(const std::string& name) { return toml::parse_file((test::source_dir() / "rules" / name).string()); }

// The brands in the receivers' and lists' names: the first word of each name and each word after a
// " / " ("Yahoo / AOL": Yahoo, AOL), not the words that describe them ("Block List", "gateway").
std::set<std::string> names_to_find() {
  std::set<std::string> out;
  auto add_words = [&](std::string_view name) {
    static const std::regex brand("(^|/ )([A-Za-z][A-Za-z0-9.-]{2,})");
    std::string n(name);
    for (std::sregex_iterator it(n.begin(), n.end(), brand), end; it != end; ++it) out.insert((*it)[2].str());
  };
  for (const auto* file : {"providers.toml", "bulk.toml"}) {
    auto t = rules_file(file);
    for (const auto* array : {"provider"})
      if (auto* a = t[array].as_array())
        for (auto& p : *a)
          if (auto name = p.as_table()->get_as<std::string>("name")) add_words(name->get());
  }
  auto lists = rules_file("blocklists.toml");
  for (auto& l : *lists["list"].as_array()) {
    if (auto name = l.as_table()->get_as<std::string>("name")) add_words(name->get());
    if (auto zone = l.as_table()->get_as<std::string>("zone")) {
      std::string z = zone->get();
      auto brace = z.rfind('}');
      out.insert(brace == std::string::npos ? z : z.substr(brace + 2));  // "{key}.zen.dq.spamhaus.net" -> its tail
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every check has its own test file, built into the unit tests", "[unit]") {
  std::string cmake = test::read_file(test::source_dir() / "tests" / "CMakeLists.txt");
  for (const auto& check : checks::registry()) {
    std::string file = "unit/checks/" + std::string(check.id) + "_test.cpp";
    INFO(check.id << ": want tests/" << file << ", listed in tests/CMakeLists.txt");
    CHECK(fs::exists(test::source_dir() / "tests" / file));
    CHECK(cmake.find(file) != std::string::npos);
  }
}

TEST_CASE("no provider name, list name or list zone in the code of audit/ and checks/", "[unit]") {
  auto names = names_to_find();
  REQUIRE(names.count("zen.spamhaus.org"));
  REQUIRE(names.count("Yahoo"));
  for (const auto& src : sources({"audit", "checks"}))
    for (const auto& name : names) {
      std::regex whole("(^|[^A-Za-z0-9_])" + std::regex_replace(name, std::regex("\\."), "\\.") + "($|[^A-Za-z0-9_])",
                       std::regex::icase);
      std::smatch m;
      bool found = std::regex_search(src.code, m, whole);
      INFO(src.path << " names " << name << " in code (got a match, want it in rules/): …"
                    << (found ? src.code.substr(static_cast<std::size_t>(std::max<long>(0, m.position() - 40)), 100) : "")
                    << "…");
      CHECK_FALSE(found);
    }
}

TEST_CASE("no SMTP reply code or enhanced status in the code of audit/ and checks/", "[unit]") {
  // "550 5.7.1", "421-4.7.0" or an enhanced status alone ("5.7.26") inside a string literal.
  static const std::regex reply("(^|[^0-9.])[245][0-9][0-9][ -][245]\\.[0-9]{1,3}\\.[0-9]{1,3}");
  static const std::regex status("^[245]\\.[0-9]{1,3}\\.[0-9]{1,3}$");
  for (const auto& src : sources({"audit", "checks"})) {
    std::smatch m;
    bool found = std::regex_search(src.code, m, reply);
    INFO(src.path << ": got reply code " << (found ? m.str() : "") << " in code, want it in rules/");
    CHECK_FALSE(found);
    for (const auto& s : src.strings) {
      // SARIF's format version has the shape of an enhanced status, and is not one.
      if (s == "2.1.0" && src.path.ends_with("sarif_writer.cpp")) continue;
      INFO(src.path << ": got enhanced status \"" << s << "\" in a literal, want it in rules/");
      CHECK_FALSE(std::regex_match(s, status));
    }
  }
}

TEST_CASE("no English sentence in the checks: their words come from rules/words.toml", "[unit]") {
  // Two words of letters separated by a space: a phrase a user would read.
  static const std::regex phrase("[A-Za-z]{2,} [A-Za-z]{2,}");
  for (const auto& src : sources({"checks"}))
    for (const auto& s : src.strings) {
      INFO(src.path << ": got the literal \"" << s << "\", want its words in rules/words.toml");
      CHECK_FALSE(std::regex_search(s, phrase));
    }
}

// (The bounce code asks rules/bounces.toml [words]; bounce_test.cpp checks those.)
TEST_CASE("every word the checks ask for is in rules/words.toml", "[unit]") {
  static const rules::Rules builtin = rules::Rules::builtin();
  static const std::regex call("word\\(\\s*\"([a-z0-9_.]+)\"\\s*[,)]");
  int asked = 0;
  for (const auto& src : sources({"checks"}))
    for (std::sregex_iterator it(src.code.begin(), src.code.end(), call), end; it != end; ++it) {
      ++asked;
      std::string key = (*it)[1].str();
      INFO(src.path << " asks for word \"" << key << "\": got none in rules/words.toml, want it there");
      CHECK(builtin.words().count(key) == 1);
    }
  INFO("got " << asked << " word() calls, want the checks' words found");
  CHECK(asked > 50);
  for (const auto& check : checks::registry()) {
    INFO(check.id << ": want its one-line summary as checks." << check.id);
    CHECK(builtin.words().count("checks." + std::string(check.id)) == 1);
  }
}
