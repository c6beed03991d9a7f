// The rules files: they load, every finding id a check declares has words, and errors name file:line.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "registry.hpp"
#include "rules/bounce_rules.hpp"
#include "rules/embedded.hpp"
#include "rules/rules.hpp"
#include "test_support.hpp"

using namespace mailaudit;

TEST_CASE("built-in rules load and cover every declared finding id", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  std::set<std::string> declared{"check.failed"};
  for (const auto& c : checks::registry())
    for (auto id : c.finding_ids) {
      declared.insert(std::string(id));
      INFO("check " << c.id << " declares " << id << " but rules/findings.toml has no entry");
      CHECK(r.finding(id) != nullptr);
    }
  // The content filters' findings come from the engine layer, declared by rules/content.toml.
  for (const auto& e : r.content().engines) declared.insert(e.unavailable);
  for (const auto& a : r.content().actions) declared.insert(a.finding);
  for (const auto& [id, text] : r.findings()) {
    INFO("rules/findings.toml has " << id << " but no check (or content.toml) declares it");
    CHECK(declared.count(id) == 1);
    INFO(id << " needs a title, a detail and a source");
    CHECK(!text.title.empty());
    CHECK(!text.detail.empty());
    CHECK(!text.source.empty());
  }
  CHECK(!r.headers().singular.empty());
}

TEST_CASE("built-in rules loaded file by file equal the rules loaded whole", "[unit]") {
  // builtin() parses a file when it is first asked for and compiles a bounce pattern when first used;
  // from_files() loads and compiles everything at once, so a bad built-in pattern fails here.
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : rules::embedded_files()) files.emplace_back(f.name, f.contents);
  const rules::Rules whole = rules::Rules::from_files(files);  // throws (fails) on a bad pattern
  const rules::Rules lazy = rules::Rules::builtin();
  struct Row {
    std::string label;
    std::size_t got, want;
  };
  // Asked in an order unlike the load order: content before findings, bounces before words.
  const Row rows[] = {
      {"content engines", lazy.content().engines.size(), whole.content().engines.size()},
      {"findings (with content's)", lazy.findings().size(), whole.findings().size()},
      {"bounce signatures", lazy.bounces().signatures.size(), whole.bounces().signatures.size()},
      {"words", lazy.words().size(), whole.words().size()},
      {"blocklists", lazy.blocklists().size(), whole.blocklists().size()},
      {"providers", lazy.providers().size(), whole.providers().size()},
      {"url redirectors", lazy.urls().redirectors.size(), whole.urls().redirectors.size()},
      {"size limits", lazy.size().limits.size(), whole.size().limits.size()},
      {"bulk providers", lazy.bulk().size(), whole.bulk().size()},
      {"ip ranges", lazy.ip_ranges().size(), whole.ip_ranges().size()},
      {"rdns keywords", lazy.rdns().keywords.size(), whole.rdns().keywords.size()},
  };
  for (const auto& row : rows) {
    INFO(row.label << ": got " << row.got << ", want " << row.want);
    CHECK(row.got == row.want);
    CHECK(row.got > 0);
  }
  const rules::Rules copy = lazy;  // copies share what is loaded and what is not yet
  CHECK(copy.headers().singular == whole.headers().singular);
  CHECK(&copy.headers() == &lazy.headers());
}

TEST_CASE("built-in findings and words generated at build time equal what the TOML loader reads", "[unit]") {
  // builtin() takes findings.toml and words.toml from the tables cmake/precompile_rules.py generates;
  // from_files() parses the same embedded files as TOML. Every field of every entry must agree.
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : rules::embedded_files()) files.emplace_back(f.name, f.contents);
  const rules::Rules parsed = rules::Rules::from_files(files);
  const rules::Rules generated = rules::Rules::builtin();
  REQUIRE(generated.findings().size() == parsed.findings().size());
  for (const auto& [id, want] : parsed.findings()) {
    const rules::FindingText* got = generated.finding(id);
    INFO(id << ": missing from the generated table");
    REQUIRE(got != nullptr);
    struct Field {
      const char* name;
      std::string got, want;
    };
    const Field fields[] = {
        {"id", got->id, want.id},
        {"stage", std::string(to_string(got->stage)), std::string(to_string(want.stage))},
        {"severity", std::string(to_string(got->severity)), std::string(to_string(want.severity))},
        {"title", got->title, want.title},
        {"detail", got->detail, want.detail},
        {"remedy", got->remedy, want.remedy},
        {"source", got->source, want.source},
        {"field", got->field, want.field},
        {"references", test::join(got->references), test::join(want.references)},
    };
    for (const auto& f : fields) {
      INFO(id << "." << f.name << ": got \"" << f.got << "\", want \"" << f.want << "\"");
      CHECK(f.got == f.want);
    }
  }
  REQUIRE(generated.words().size() == parsed.words().size());
  for (const auto& [key, want] : parsed.words()) {
    auto it = generated.words().find(key);
    INFO(key << ": got " << (it == generated.words().end() ? "(missing)" : "\"" + it->second + "\"") << ", want \"" << want << "\"");
    CHECK((it != generated.words().end() && it->second == want));
  }
}

TEST_CASE("finding ids of the checks are unique across the registry", "[unit]") {
  std::set<std::string> seen, checks_seen;
  for (const auto& c : checks::registry()) {
    INFO("check id " << c.id << " appears twice");
    CHECK(checks_seen.insert(std::string(c.id)).second);
    for (auto id : c.finding_ids) {
      INFO("finding id " << id << " declared by two checks");
      CHECK(seen.insert(std::string(id)).second);
    }
  }
}

TEST_CASE("rules loader errors name the file and line", "[unit]") {
  // The top-level lists bounces.toml needs before its tables, three lines.
  const std::string kBounceTop = "original_markers=[\"--- copy\"]\nfailure_subject_words=[\"failed\"]\n"
                                 "auto_reply_subject_words=[\"out of office\"]\n";
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : rules::embedded_files()) files.emplace_back(f.name, f.contents);
  struct Row {
    std::string label, file, contents, want;
  };
  const Row rows[] = {
      {"TOML syntax", "findings.toml", "[[finding]]\nid = \"x\"\nstage = \n", "findings.toml:3"},
      {"unknown stage", "findings.toml",
       "[[finding]]\nid=\"x\"\nstage=\"later\"\nseverity=\"error\"\ntitle=\"t\"\ndetail=\"d\"\nremedy=\"r\"\nsource=\"s\"\n",
       "unknown stage"},
      {"missing key", "findings.toml", "\n[[finding]]\nid=\"x\"\n", "findings.toml:2: missing key"},
      {"bad list", "headers.toml", "singular = \"From\"\n", "headers.toml:1"},
      {"unknown bulk requirement", "bulk.toml",
       "[[provider]]\nid=\"x\"\nname=\"X\"\nreference=\"r\"\nrequires=[\"spf\", \"karma\"]\n", "bulk.toml:1: x: unknown requirement"},
      {"bad bounce pattern", "bounces.toml",
       kBounceTop + "[[stage_phrase]]\nstage=\"rcpt\"\npattern=\"(unclosed\"\n[[cause]]\nstage=\"rcpt\"\npattern=\"x\"\n", "bounces.toml:4: bad pattern"},
      {"signature without examples", "bounces.toml",
       kBounceTop + "[[stage_phrase]]\nstage=\"rcpt\"\npattern=\"x\"\n[[cause]]\nstage=\"rcpt\"\npattern=\"x\"\n[[signature]]\nid=\"s\"\n"
       "provider=\"\"\nmeaning=\"m\"\npattern=\"x\"\nstage=\"rcpt\"\n", "needs \"match\" and \"no_match\""},
      {"bounce lists missing", "bounces.toml", "[[stage_phrase]]\nstage=\"rcpt\"\npattern=\"x\"\n",
       "must be set before the first table"},
      {"redirector path", "urls.toml",
       "shorteners=[\"bit.ly\"]\nunsubscribe_words=[\"unsubscribe\"]\n[[redirector]]\nid=\"r\"\nhost=\"h.example\"\n"
       "path_prefix=\"url\"\nmeaning=\"m\"\n", "\"path_prefix\" must start with /"},
      {"URL limits missing", "urls.toml", "shorteners=[\"bit.ly\"]\nunsubscribe_words=[\"unsubscribe\"]\n",
       "urls.toml:1: a [limits] table is required"},
      {"a URL limit of 0", "urls.toml",
       "shorteners=[\"bit.ly\"]\nunsubscribe_words=[\"unsubscribe\"]\n[limits]\nmax_hosts=0\nmax_ips=1\nmax_links=1\n"
       "link_concurrency=1\nshown=1\n", "[limits] max_hosts must be a number from 1 to 10000"},
      {"content: top_symbols missing", "content.toml", "[[engine]]\nid=\"e\"\n", "content.toml:1: top-level \"top_symbols\""},
      {"content: unknown finding", "content.toml",
       "top_symbols=3\n[[engine]]\nid=\"e\"\nname=\"E\"\nsource=\"s\"\nunavailable=\"content.e.gone\"\n",
       "content.toml:2: \"content.e.gone\" is not a finding in findings.toml"},
      {"content: id without engine", "content.toml",
       "top_symbols=3\n[[engine]]\nid=\"rspamd\"\nname=\"r\"\nsource=\"s\"\nunavailable=\"content.rspamd.unavailable\"\n"
       "[[action]]\nid=\"rspamd:reject\"\nfinding=\"content.rspamd.reject\"\n[[symbol]]\nid=\"R_SPF_FAIL\"\nfinding=\"spf.fail\"\n", "\"R_SPF_FAIL\": an id is ENGINE:NAME"},
      {"content: engine not declared", "content.toml",
       "top_symbols=3\n[[engine]]\nid=\"rspamd\"\nname=\"r\"\nsource=\"s\"\nunavailable=\"content.rspamd.unavailable\"\n[[action]]\nid=\"amavis:X\"\nfinding=\"spf.fail\"\n", "no [[engine]] \"amavis\""},
      {"content: star inside a name", "content.toml",
       "top_symbols=3\n[[engine]]\nid=\"rspamd\"\nname=\"r\"\nsource=\"s\"\nunavailable=\"content.rspamd.unavailable\"\n"
       "[[action]]\nid=\"rspamd:reject\"\nfinding=\"content.rspamd.reject\"\n[[symbol]]\nid=\"rspamd:DBL_*_SPAM\"\nfinding=\"uri.listed\"\n", "'*' may only end a name"},
  };
  for (const auto& row : rows) {
    auto copy = files;
    for (auto& f : copy)
      if (f.first == row.file) f.second = row.contents;
    std::string got;
    try {
      rules::Rules::from_files(copy);
    } catch (const rules::RulesError& e) {
      got = e.what();
    }
    INFO(row.label << ": got \"" << got << "\", want it to contain \"" << row.want << "\"");
    CHECK(got.find(row.want) != std::string::npos);
  }
}

namespace {

// A folder of overlay files under the system temp dir, removed when the test ends.
struct OverlayDir {
  std::filesystem::path path;
  explicit OverlayDir(const std::vector<std::pair<std::string, std::string>>& files) {
    path = std::filesystem::temp_directory_path() /
           ("mailaudit-rules-" + std::to_string(std::hash<std::string>{}(files.empty() ? "" : files[0].second)));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
    for (const auto& [name, text] : files) std::ofstream(path / name) << text;
  }
  ~OverlayDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("rules overlay: a folder lays its files over the built-in rules", "[unit]") {
  const rules::Rules builtin = rules::Rules::builtin();
  struct Row {
    std::string label, file, contents;
    std::function<std::string(const rules::Rules&)> problem;  // "" when the overlay did what it should
  };
  const Row rows[] = {
      {"one changed title, nothing else", "findings.toml", "[[finding]]\nid = \"rdns.missing\"\ntitle = \"Changed\"\n",
       [&](const rules::Rules& r) -> std::string {
         const auto* f = r.finding("rdns.missing");
         if (!f || f->title != "Changed") return "title: got \"" + (f ? f->title : "(none)") + "\", want \"Changed\"";
         if (f->detail != builtin.finding("rdns.missing")->detail) return "detail changed, want the built-in one";
         if (r.findings().size() != builtin.findings().size()) return "finding count changed";
         return "";
       }},
      {"enabled = false removes an entry", "providers.toml", "[[provider]]\nid = \"google\"\nenabled = false\n",
       [&](const rules::Rules& r) -> std::string {
         for (const auto& p : r.providers())
           if (p.id == "google") return "google: got present, want removed";
         return r.providers().size() + 1 == builtin.providers().size() ? "" : "other providers changed";
       }},
      {"a new id adds an entry", "urls.toml", "shorteners = [\"sho.rt\"]\n",
       [&](const rules::Rules& r) -> std::string {
         return r.urls().shorteners == std::vector<std::string>{"sho.rt"} ? "" : "plain arrays: want replaced";
       }},
      {"a scalar replaces", "headers.toml", "max_line_octets = 500\n",
       [&](const rules::Rules& r) -> std::string {
         return r.headers().max_line_octets == 500 ? "" : "max_line_octets: got " +
                                                              std::to_string(r.headers().max_line_octets) + ", want 500";
       }},
  };
  for (const auto& row : rows) {
    OverlayDir dir({{row.file, row.contents}});
    std::string problem;
    try {
      problem = row.problem(rules::Rules::from_dir(dir.path.string()));
    } catch (const rules::RulesError& e) {
      problem = std::string("threw: ") + e.what();
    }
    INFO(row.label << ": " << problem);
    CHECK(problem.empty());
  }
}

TEST_CASE("rules overlay: errors name the overlay file", "[unit]") {
  struct Row {
    std::string label, file, contents, want;
  };
  const Row rows[] = {
      {"syntax error", "findings.toml", "\n[[finding]]\nid = \n", "findings.toml:3"},
      {"a new entry must be complete", "findings.toml", "\n\n[[finding]]\nid = \"new.one\"\n", "findings.toml:3: missing key"},
      {"not a rules file", "finding.toml", "x = 1\n", "finding.toml:1: not a rules file"},
  };
  for (const auto& row : rows) {
    OverlayDir dir({{row.file, row.contents}});
    std::string got;
    try {
      rules::Rules::from_dir(dir.path.string());
    } catch (const rules::RulesError& e) {
      got = e.what();
    }
    INFO(row.label << ": got \"" << got << "\", want it to contain \"" << row.want << "\" and the folder");
    CHECK(got.find(row.want) != std::string::npos);
    CHECK(got.find(dir.path.string()) != std::string::npos);
  }
}
