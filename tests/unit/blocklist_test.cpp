// Reading blocklist answers (dns::interpret) and the blocklists/providers rules files.
#include <catch2/catch.hpp>

#include "lists/blocklist.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using dns::ListState;

namespace {

const rules::Blocklist& list(const rules::Rules& r, const std::string& id) {
  for (const auto& l : r.blocklists())
    if (l.id == id) return l;
  FAIL("no list " << id);
  throw;
}

dns::Answer answer(dns::Status st, std::vector<std::string> values = {}) {
  dns::Answer a;
  a.name = "q.example";
  a.status = st;
  for (auto& v : values) a.records.push_back({"q.example", dns::RRType::A, 300, v, 0});
  return a;
}

}  // namespace

TEST_CASE("blocklist answers: codes, bitmasks, error answers, unknown", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  struct Row {
    const char* label;
    const char* list;
    dns::Answer a;
    ListState want;
    const char* meaning_has;
  };
  const Row rows[] = {
      {"ZEN SBL", "spamhaus-zen", answer(dns::Status::NOERROR, {"127.0.0.2"}), ListState::listed, "SBL"},
      {"ZEN PBL", "spamhaus-zen", answer(dns::Status::NOERROR, {"127.0.0.11"}), ListState::listed, "PBL"},
      {"ZEN two codes", "spamhaus-zen", answer(dns::Status::NOERROR, {"127.0.0.2", "127.0.0.4"}), ListState::listed, "XBL"},
      {"ZEN undocumented code", "spamhaus-zen", answer(dns::Status::NOERROR, {"127.0.0.7"}), ListState::listed, "does not document"},
      {"ZEN open resolver refused", "spamhaus-zen", answer(dns::Status::NOERROR, {"127.255.255.254"}), ListState::unusable, "refused"},
      {"ZEN rate limited", "spamhaus-zen", answer(dns::Status::NOERROR, {"127.255.255.255"}), ListState::unusable, "too many"},
      {"answer outside 127/8", "spamhaus-zen", answer(dns::Status::NOERROR, {"198.51.100.1"}), ListState::unusable, "outside 127"},
      {"DBL IP queried", "spamhaus-dbl", answer(dns::Status::NOERROR, {"127.0.1.255"}), ListState::unusable, "IP address"},
      {"DBL phish", "spamhaus-dbl", answer(dns::Status::NOERROR, {"127.0.1.4"}), ListState::listed, "phishing"},
      {"URIBL black+grey bits", "uribl", answer(dns::Status::NOERROR, {"127.0.0.6"}), ListState::listed, "grey"},
      {"URIBL refused (127.0.0.1)", "uribl", answer(dns::Status::NOERROR, {"127.0.0.1"}), ListState::unusable, "refused"},
      {"SURBL malware bit", "surbl", answer(dns::Status::NOERROR, {"127.0.0.16"}), ListState::listed, "MW"},
      {"NXDOMAIN is clear", "spamhaus-zen", answer(dns::Status::NXDOMAIN), ListState::clear, ""},
      {"NODATA is clear", "spamhaus-zen", answer(dns::Status::NODATA), ListState::clear, ""},
      {"TIMEOUT is unknown, never clear or listed", "spamhaus-zen", answer(dns::Status::TIMEOUT), ListState::unknown, "TIMEOUT"},
      {"SERVFAIL is unknown", "spamhaus-zen", answer(dns::Status::SERVFAIL), ListState::unknown, "SERVFAIL"},
      {"REFUSED is unknown", "uribl", answer(dns::Status::REFUSED), ListState::unknown, "REFUSED"},
      {"OFFLINE is offline", "uribl", answer(dns::Status::OFFLINE), ListState::offline, ""},
  };
  for (const auto& row : rows) {
    auto res = dns::interpret(list(r, row.list), row.a);
    INFO(row.label << ": got state " << static_cast<int>(res.state) << " \"" << res.meaning << "\", want state "
                   << static_cast<int>(row.want) << " with \"" << row.meaning_has << "\"");
    CHECK(res.state == row.want);
    CHECK(res.meaning.find(row.meaning_has) != std::string::npos);
  }
}

TEST_CASE("blocklist codes carry their own severity, advice and receiver replies", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  struct Row {
    const char* label;
    const char* list;
    std::vector<std::string> values;
    Severity want;
    const char* advice_has;      // "" = no advice of its own
    const char* rejects_has;
    const char* rejects_lacks;   // "" = nothing to check
  };
  const Row rows[] = {
      {"URIBL black: the list's severity", "uribl", {"127.0.0.2"}, Severity::error, "", "URIBL", ""},
      {"URIBL grey only: scored, a warning", "uribl", {"127.0.0.4"}, Severity::warning, "", "URIBL", ""},
      {"URIBL black + grey: the graver wins", "uribl", {"127.0.0.6"}, Severity::error, "", "URIBL", ""},
      {"DBL spam domain", "spamhaus-dbl", {"127.0.1.2"}, Severity::error, "", "DBL", ""},
      {"DBL abused legitimate domain: a warning", "spamhaus-dbl", {"127.0.1.102"}, Severity::warning, "", "DBL", ""},
      {"ZEN SBL quotes Yahoo's [BL21]", "spamhaus-zen", {"127.0.0.2"}, Severity::error, "", "[BL21]", "[BL23]"},
      {"ZEN XBL quotes [BL23] and says infected", "spamhaus-zen", {"127.0.0.4"}, Severity::error, "infected", "[BL23]", "[BL21] Connections"},
      {"ZEN PBL: an end-user range, relay advice, no SBL reply", "spamhaus-zen", {"127.0.0.11"}, Severity::error,
       "relay", "end-user", "SBL"},
      {"ZEN undocumented code: the list's severity", "spamhaus-zen", {"127.0.0.7"}, Severity::error, "", "AS16012611", ""},
  };
  for (const auto& row : rows) {
    auto res = dns::interpret(list(r, row.list), answer(dns::Status::NOERROR, row.values));
    INFO(row.label << ": got " << to_string(res.severity) << " advice \"" << res.advice << "\" rejects \""
                   << res.rejects << "\", want " << to_string(row.want));
    REQUIRE(res.state == ListState::listed);
    CHECK(res.severity == row.want);
    if (*row.advice_has) CHECK(res.advice.find(row.advice_has) != std::string::npos);
    else CHECK(res.advice.empty());
    CHECK(res.rejects.find(row.rejects_has) != std::string::npos);
    if (*row.rejects_lacks) CHECK(res.rejects.find(row.rejects_lacks) == std::string::npos);
  }
}

TEST_CASE("active lists: keys switch key-based lists on, and DQS replaces public ZEN", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  auto ids = [](const std::vector<rules::Blocklist>& v) {
    std::vector<std::string> out;
    for (const auto& l : v) out.push_back(l.id);
    return out;
  };
  auto plain = ids(dns::active_lists(r, true, {}));
  CHECK(std::find(plain.begin(), plain.end(), "spamhaus-zen") != plain.end());
  CHECK(std::find(plain.begin(), plain.end(), "spamhaus-dqs") == plain.end());
  CHECK(std::find(plain.begin(), plain.end(), "abusix") == plain.end());
  auto keyed = dns::active_lists(r, true, {{"spamhaus-dqs", "abc123"}});
  auto keyed_ids = ids(keyed);
  CHECK(std::find(keyed_ids.begin(), keyed_ids.end(), "spamhaus-zen") == keyed_ids.end());
  auto dqs = std::find_if(keyed.begin(), keyed.end(), [](const auto& l) { return l.id == "spamhaus-dqs"; });
  REQUIRE(dqs != keyed.end());
  CHECK(dqs->zone == "abc123.zen.dq.spamhaus.net");
  auto domains = ids(dns::active_lists(r, false, {}));
  CHECK(domains == std::vector<std::string>{"spamhaus-dbl", "uribl", "surbl"});
}

TEST_CASE("every provider matches its example MX hosts and only those", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  REQUIRE(r.providers().size() >= 10);
  for (const auto& p : r.providers()) {
    for (const auto& mx : p.match) {
      const rules::Provider* got = rules::provider_for_mx(r.providers(), mx);
      INFO(p.id << ": " << mx << " got " << (got ? got->id : "none"));
      CHECK((got && got->id == p.id));
    }
    for (const auto& mx : p.no_match) {
      const rules::Provider* got = rules::provider_for_mx(r.providers(), mx);
      INFO(p.id << ": " << mx << " got " << (got ? got->id : "none") << ", want not " << p.id);
      CHECK((!got || got->id != p.id));
    }
  }
}

TEST_CASE("every blocklist has a test point, documented answers and a reference", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  for (const auto& l : r.blocklists()) {
    INFO(l.id);
    CHECK(!l.test_listed.empty());
    CHECK(!l.test_not_listed.empty());
    CHECK((!l.codes.empty() || !l.bits.empty()));
    CHECK(l.reference.rfind("http", 0) == 0);
    if (l.ip_list) CHECK(dns::parse_ip(l.test_listed).has_value());
  }
}
