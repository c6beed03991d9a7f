// DKIM verification on public vectors: RFC 8463's message signed with ed25519-sha256 and rsa-sha256, and six
// real signed messages (shared/corpora/dkim/mail-auth) at the time their README gives. Keys are served from
// zone files written here, through the zone-file resolver. Any change to a body byte or signed header fails.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "auth/dkim.hpp"
#include "dns/zone_resolver.hpp"
#include "dns/zone_set.hpp"
#include "test_support.hpp"
#include "util/text.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;

namespace {

std::string txt_rdata(const std::string& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); i += 200) {  // character-strings of at most 255 octets
    out += " \"";
    for (char c : v.substr(i, 200)) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\"";
  }
  return out;
}

// One zone per key name's parent domain is overkill: a zone at the key's registered-ish suffix (last two labels).
std::unique_ptr<dns::ZoneResolver> key_zones(const std::vector<std::pair<std::string, std::string>>& keys, const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::map<std::string, std::string> zones;
  for (const auto& [name, value] : keys) {
    std::string n = text::lower(name);
    auto last = n.rfind('.');
    auto second = n.rfind('.', last - 1);
    std::string apex = n.substr(second + 1);
    auto& z = zones[apex];
    if (z.empty()) z = "$ORIGIN " + apex + ".\n$TTL 300\n@ IN SOA ns.test. h.test. 1 60 60 60 60\n@ IN NS ns.test.\n";
    z += n + ". IN TXT" + txt_rdata(value) + "\n";
  }
  for (const auto& [apex, text] : zones) std::ofstream(dir / (apex + ".zone")) << text;
  auto set = std::make_shared<dns::ZoneSet>();
  set->load_path(dir.string());
  return std::make_unique<dns::ZoneResolver>(set, nullptr);
}

std::string results(const std::vector<auth::DkimSignature>& sigs) {
  std::string s;
  for (const auto& g : sigs) s += (s.empty() ? "" : ", ") + g.algorithm + " " + std::string(auth::to_string(g.result)) + " " + g.reason;
  return s;
}

}  // namespace

TEST_CASE("DKIM: RFC 8463 message, ed25519-sha256 and rsa-sha256", "[corpus]") {
  fs::path dir = test::corpora_dir() / "dkim" / "rfc8463";
  if (!fs::exists(dir / "message.eml")) {
    WARN("corpus not found at " << dir << ": skipped");
    return;
  }
  auto keys_json = nlohmann::json::parse(test::read_file(dir / "dns.json"));
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& [name, values] : keys_json.items()) keys.emplace_back(name, values[0].get<std::string>());
  auto resolver = key_zones(keys, fs::temp_directory_path() / ("mailaudit-dkim-" + std::to_string(::getpid())));
  std::string raw = test::read_file(dir / "message.eml");
  auto sigs = auth::verify_dkim(parse_message(raw, "rfc8463", 0), *resolver, 1528637909, 36000);
  INFO("got " << results(sigs));
  REQUIRE(sigs.size() == 2);
  CHECK(sigs[0].algorithm == "ed25519-sha256");
  CHECK(sigs[0].result == auth::DkimResult::pass);
  CHECK(sigs[1].algorithm == "rsa-sha256");
  CHECK(sigs[1].result == auth::DkimResult::pass);

  struct Mutation {
    const char* label;
    std::string from, to;
  };
  const Mutation mutations[] = {{"a body byte", "We lost the game.", "We won the game."},
                                {"the signed Subject", "Subject: Is dinner ready?", "Subject: Is dinner ready!"},
                                {"the signed From", "From: Joe SixPack", "From: Joe Sixpack"}};
  for (const auto& mu : mutations) {
    std::string changed = raw;
    auto at = changed.find(mu.from);
    REQUIRE(at != std::string::npos);
    changed.replace(at, mu.from.size(), mu.to);
    auto bad = auth::verify_dkim(parse_message(changed, "mutated", 0), *resolver, 1528637909, 36000);
    INFO("changing " << mu.label << ": got " << results(bad));
    REQUIRE(bad.size() == 2);
    CHECK(bad[0].result == auth::DkimResult::fail);
    CHECK(bad[1].result == auth::DkimResult::fail);
  }
}

TEST_CASE("DKIM: real signed messages (mail-auth vectors) verify at their time", "[corpus]") {
  fs::path dir = test::corpora_dir() / "dkim" / "mail-auth";
  if (!fs::exists(dir)) {
    WARN("corpus not found at " << dir << ": skipped");
    return;
  }
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".txt") continue;
    std::string text = test::read_file(e.path());
    auto blank = text.find("\n\n");
    REQUIRE(blank != std::string::npos);
    std::vector<std::pair<std::string, std::string>> keys;
    for (auto line : text::split(std::string_view(text).substr(0, blank), '\n')) {
      auto sp = line.find(' ');
      if (sp != std::string_view::npos) keys.emplace_back(std::string(line.substr(0, sp)), std::string(line.substr(sp + 1)));
    }
    auto resolver = key_zones(keys, fs::temp_directory_path() / ("mailaudit-dkim-" + std::to_string(::getpid()) + "-" + e.path().stem().string()));
    std::string raw = test::crlf(text.substr(blank + 2));
    auto sigs = auth::verify_dkim(parse_message(raw, e.path().string(), 0), *resolver, 1667843664, 36000);
    INFO(e.path().filename() << ": got " << results(sigs));
    REQUIRE(!sigs.empty());
    // The README: the last signature passes (earlier ones may belong to hops whose keys are not given).
    bool last_pass = false;
    for (const auto& s : sigs)
      if (s.result == auth::DkimResult::pass) last_pass = true;
    CHECK(last_pass);
    ++files;
  }
  CHECK(files == 6);
}
