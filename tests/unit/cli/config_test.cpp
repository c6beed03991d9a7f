// mailaudit.toml: what load_config accepts and refuses (file:line and the words of the error), how
// apply_config fills the options the command line left out, where find_config looks, and finding_policy.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "config.hpp"
#include "rules/rules.hpp"

using namespace mailaudit;
using namespace mailaudit::cli;
namespace fs = std::filesystem;

namespace {

const rules::Rules& builtin() {
  static const rules::Rules r = rules::Rules::builtin();
  return r;
}

fs::path scratch() {
  static fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("mailaudit-config-test-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string write(const std::string& name, const std::string& text) {
  fs::path p = scratch() / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// `check`'s kinds of options: a string, a list, a flag, a bounded number, a choice.
struct FakeCheck {
  CLI::App app{"test"};
  std::string ip, format = "text", rules_dir;
  std::vector<std::string> rcpt, zone;
  bool offline = false;
  int timeout = 2000;
  FakeCheck() {
    app.add_option("--ip", ip);
    app.add_option("--rcpt", rcpt);
    app.add_option("--zone", zone);
    app.add_option("--rules", rules_dir);
    app.add_flag("--offline", offline);
    app.add_option("--timeout", timeout)->check(CLI::Range(10, 60000));
    app.add_option("--format", format)->check(CLI::IsMember({"text", "json"}));
    app.add_option("--config");
    app.add_option("--stream");
  }
  void parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    app.parse(args);
  }
};

}  // namespace

TEST_CASE("load_config: shapes it refuses name the line and say why", "[unit]") {
  struct Row {
    const char* label;
    const char* toml;
    const char* word;  // "" = loads
    long line;
  };
  const Row rows[] = {
      {"the DESIGN.md example", "[defaults]\nformat = \"text\"\nresolver = [\"127.0.0.1:53\"]\n[stream.marketing]\nip = \"198.51.100.7\"\n"
                                "rcpt = [\"a@example.com\", \"b@example.com\"]\n[findings]\nignore = [\"dkim.fragile\"]\n"
                                "severity = { \"uri.shortener\" = \"error\" }\n[blocklist-keys]\nspamhaus-dqs = \"KEY\"\n", "", 0},
      {"an empty file", "", "", 0},
      {"an unknown table", "[defaults]\nformat = \"text\"\n[colours]\nred = 1\n", "config.unknown_key", 3},
      {"a top-level key", "format = \"json\"\n", "config.unknown_key", 1},
      {"not TOML", "[defaults\n", "config.syntax", 1},
      {"a stream that is a value", "[defaults]\n[stream]\nmarketing = \"x\"\n", "config.not_table", 3},
      {"a nested table as a value", "[defaults]\nip = { a = 1 }\n", "config.bad_value", 2},
      {"a float", "[defaults]\ntimeout = 1.5\n", "config.bad_value", 2},
      {"ignore not a list", "[findings]\nignore = \"dkim.fragile\"\n", "config.not_list", 2},
      {"ignore holding a number", "[findings]\nignore = [\"dkim.fragile\", 3]\n", "config.not_list", 2},
      {"a severity that is no severity", "[findings]\nseverity = { \"uri.shortener\" = \"fatal\" }\n", "config.bad_severity", 2},
      {"an unknown [findings] key", "[findings]\nallow = [\"x\"]\n", "config.unknown_key", 2},
      {"an empty list key", "[blocklist-keys]\nspamhaus-dqs = \"\"\n", "config.bad_value", 2},
  };
  for (const auto& row : rows) {
    std::string file = write(std::string("load/") + row.label + ".toml", row.toml);
    std::string got_word, got_line;
    try {
      load_config(file);
    } catch (const ConfigError& e) {
      got_word = e.word;
      got_line = std::to_string(e.line);
      INFO(row.label << ": got \"" << describe(e, builtin()) << "\", want it to start with the file");
      CHECK(describe(e, builtin()).rfind(file + ":", 0) == 0);
    }
    INFO(row.label << ": got error \"" << got_word << "\" at line " << got_line << ", want \"" << row.word << "\" at "
                   << row.line);
    CHECK(got_word == row.word);
    if (*row.word) CHECK(got_line == std::to_string(row.line));
  }
}

TEST_CASE("load_config: files that are not config files", "[unit]") {
  fs::create_directories(scratch() / "a-folder.toml");
  std::string big = write("big.toml", std::string(2u << 20, '#'));
  struct Row {
    const char* label;
    std::string path;
    const char* word;
  };
  const Row rows[] = {
      {"missing", (scratch() / "nope.toml").string(), "config.missing"},
      {"a folder", (scratch() / "a-folder.toml").string(), "config.not_file"},
      {"2 MiB", big, "config.too_big"},
  };
  for (const auto& row : rows) {
    std::string got = "(loaded)";
    try {
      load_config(row.path);
    } catch (const ConfigError& e) {
      got = e.word;
    }
    INFO(row.label << ": got " << got << ", want " << row.word);
    CHECK(got == row.word);
  }
}

TEST_CASE("apply_config: the stream over the defaults, the command line over both", "[unit]") {
  std::string file = write("apply/mailaudit.toml",
                           "[defaults]\nformat = \"json\"\ntimeout = 500\nip = \"192.0.2.1\"\nzone = [\"zones\"]\n"
                           "[stream.marketing]\nip = \"192.0.2.7\"\nrcpt = [\"a@example.com\", \"b@example.com\"]\noffline = true\n"
                           "[stream.quiet]\noffline = false\n");
  Config c = load_config(file);
  struct Row {
    const char* label;
    std::vector<std::string> args;
    std::string stream;
    std::string want_ip, want_format;
    std::size_t want_rcpt;
    bool want_offline;
    int want_timeout;
  };
  const Row rows[] = {
      {"defaults only", {}, "", "192.0.2.1", "json", 0, false, 500},
      {"the stream's ip over the default's", {}, "marketing", "192.0.2.7", "json", 2, true, 500},
      {"--ip over the stream", {"--ip", "192.0.2.9"}, "marketing", "192.0.2.9", "json", 2, true, 500},
      {"--rcpt replaces the stream's list", {"--rcpt", "c@example.com"}, "marketing", "192.0.2.7", "json", 1, true, 500},
      {"--format over the default", {"--format", "text"}, "", "192.0.2.1", "text", 0, false, 500},
      {"a flag set false is not given", {}, "quiet", "192.0.2.1", "json", 0, false, 500},
  };
  for (const auto& row : rows) {
    FakeCheck f;
    f.parse(row.args);
    apply_config(c, row.stream, f.app);
    INFO(row.label << ": got ip " << f.ip << ", format " << f.format << ", " << f.rcpt.size() << " rcpt, offline "
                   << f.offline << ", timeout " << f.timeout << "; want " << row.want_ip << ", " << row.want_format << ", "
                   << row.want_rcpt << ", " << row.want_offline << ", " << row.want_timeout);
    CHECK(f.ip == row.want_ip);
    CHECK(f.format == row.want_format);
    CHECK(f.rcpt.size() == row.want_rcpt);
    CHECK(f.offline == row.want_offline);
    CHECK(f.timeout == row.want_timeout);
    // zone is a path: taken from the file's folder.
    REQUIRE(f.zone.size() == 1);
    CHECK(f.zone[0] == (fs::path(file).parent_path() / "zones").string());
  }
}

TEST_CASE("apply_config: values the options refuse", "[unit]") {
  struct Row {
    const char* label;
    const char* toml;
    const char* stream;
    const char* word;
    long line;
  };
  const Row rows[] = {
      {"a key that is no option", "[defaults]\nipv4 = \"192.0.2.1\"\n", "", "config.unknown_key", 2},
      {"a stream key that is no option", "[stream.s]\nreceivers = [\"x\"]\n", "s", "config.unknown_key", 2},
      {"--config inside the config", "[defaults]\nconfig = \"other.toml\"\n", "", "config.unknown_key", 2},
      {"a string for a flag", "[defaults]\noffline = \"yes\"\n", "", "config.bad_value", 2},
      {"true for an option with a value", "[defaults]\nip = true\n", "", "config.bad_value", 2},
      {"out of the option's range", "[defaults]\ntimeout = 5\n", "", "config.refused", 2},
      {"not one of the option's choices", "[defaults]\nformat = \"xml\"\n", "", "config.refused", 2},
      {"a stream the file does not have", "[stream.a]\nip = \"192.0.2.1\"\n", "b", "config.no_stream", 0},
  };
  for (const auto& row : rows) {
    Config c = load_config(write(std::string("refuse/") + row.label + ".toml", row.toml));
    FakeCheck f;
    f.parse({});
    std::string got = "(applied)";
    long line = -1;
    try {
      apply_config(c, row.stream, f.app);
    } catch (const ConfigError& e) {
      got = e.word;
      line = e.line;
    }
    INFO(row.label << ": got " << got << " at line " << line << ", want " << row.word << " at " << row.line);
    CHECK(got == row.word);
    CHECK(line == row.line);
  }
}

TEST_CASE("find_config: beside the message, up to the repository root, else the current folder", "[unit]") {
  fs::path repo = scratch() / "find" / "repo";
  fs::create_directories(repo / ".git");
  fs::create_directories(repo / "campaigns" / "december");
  std::ofstream(scratch() / "find" / "mailaudit.toml") << "";  // above the repository: never used
  std::ofstream(repo / "campaigns" / "december" / "campaign.eml") << "x";
  std::ofstream(repo / "campaigns" / "mailaudit.toml") << "";
  fs::create_directories(repo / "other");
  std::ofstream(repo / "other" / "x.eml") << "x";
  struct Row {
    const char* label;
    fs::path message;
    std::optional<fs::path> want;
  };
  const Row rows[] = {
      {"in a parent folder", repo / "campaigns" / "december" / "campaign.eml", repo / "campaigns" / "mailaudit.toml"},
      {"none up to the repository root", repo / "other" / "x.eml", std::nullopt},
  };
  fs::path cwd = fs::current_path();
  fs::current_path(repo / "other");  // a current folder without a config
  for (const auto& row : rows) {
    auto got = find_config({row.message.string()});
    INFO(row.label << ": got " << (got ? *got : "none") << ", want " << (row.want ? row.want->string() : "none"));
    CHECK(got.has_value() == row.want.has_value());
    if (got && row.want) CHECK(fs::equivalent(*got, *row.want));
  }
  std::ofstream(repo / "other" / "mailaudit.toml") << "";
  auto got = find_config({"-"});
  INFO("stdin: got " << (got ? *got : "none") << ", want the current folder's");
  CHECK(got == std::optional<std::string>("mailaudit.toml"));
  fs::current_path(cwd);
}

TEST_CASE("finding_policy: ids must exist; --ignore adds to the file's", "[unit]") {
  struct Row {
    const char* label;
    const char* toml;
    std::vector<std::string> flags;
    const char* word;  // "" = accepted
    std::string file;  // where the error points: "config" for the file, else this
    std::size_t want_ignored;
  };
  const Row rows[] = {
      {"known ids", "[findings]\nignore = [\"dkim.not_oversigned\"]\nseverity = { \"uri.shortener\" = \"error\" }\n", {}, "", "", 1},
      {"a check's ids", "[findings]\nignore = [\"unsubscribe.*\"]\n", {"uri.shortener"}, "", "", 2},
      {"an unknown id in the file", "[findings]\nignore = [\"dkim.fragil\"]\n", {}, "config.unknown_finding", "config", 0},
      {"an unknown severity id", "[findings]\nseverity = { \"uri.shortner\" = \"error\" }\n", {}, "config.unknown_finding", "config", 0},
      {"an unknown --ignore", "", {"nope.*"}, "config.unknown_finding", "--ignore", 0},
  };
  for (const auto& row : rows) {
    std::string path = write(std::string("policy/") + row.label + ".toml", row.toml);
    Config c = load_config(path);
    std::string got = "";
    std::string file;
    std::size_t ignored = 0;
    try {
      ignored = finding_policy(&c, row.flags, builtin()).ignore.size();
    } catch (const ConfigError& e) {
      got = e.word;
      file = e.file;
    }
    INFO(row.label << ": got \"" << got << "\" in \"" << file << "\", want \"" << row.word << "\"");
    CHECK(got == row.word);
    if (*row.word) CHECK(file == (row.file == "config" ? path : row.file));
    CHECK(ignored == row.want_ignored);
  }
}
