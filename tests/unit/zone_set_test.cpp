// Zone-file semantics without a network: loading errors, OFFLINE outside the zones, CNAME out of the zones.
#include <catch2/catch.hpp>
#include <fstream>

#include "dns/zone_resolver.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using namespace mailaudit::dns;
namespace fs = std::filesystem;

namespace {
std::shared_ptr<ZoneSet> fixture_zones() {
  auto z = std::make_shared<ZoneSet>();
  z->load_path((test::source_dir() / "fixtures" / "dns").string());
  return z;
}
}  // namespace

TEST_CASE("zone file errors name the file and line", "[unit]") {
  fs::path dir = fs::temp_directory_path() / ("mailaudit-zones-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Row {
    const char* label;
    const char* file;
    const char* text;
    const char* want;
  };
  const Row rows[] = {
      {"bad rdata", "bad.test.zone", "@ IN SOA a. b. 1 2 3 4 5\nfoo IN A 1.2.3.999\n", "bad.test.zone:2"},
      {"no SOA", "nosoa.test.zone", "foo IN A 192.0.2.1\n", "no SOA"},
  };
  for (const auto& row : rows) {
    std::ofstream(dir / row.file) << row.text;
    std::string got;
    try {
      ZoneSet z;
      z.load_file((dir / row.file).string());
    } catch (const ZoneError& e) {
      got = e.what();
    }
    INFO(row.label << ": got \"" << got << "\", want it to contain \"" << row.want << "\"");
    CHECK(got.find(row.want) != std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("offline: names outside the zones are OFFLINE, never missing", "[unit]") {
  ZoneResolver r(fixture_zones(), nullptr);
  CHECK(r.mode() == "zones");
  auto outside = r.lookup("gmail.com", RRType::MX);
  CHECK(outside.status == Status::OFFLINE);
  CHECK(outside.unknown());
  auto inside = r.lookup("no-such.example.com", RRType::MX);
  CHECK(inside.status == Status::NXDOMAIN);
  CHECK(inside.ttl == 300u);  // min(SOA TTL 3600, SOA MINIMUM 300)
}

TEST_CASE("overlay: a CNAME leaving the zones continues in the fallback", "[unit]") {
  // Only example.com loaded; www.example.net (target of ext.example.com) must come from the fallback.
  auto only_com = std::make_shared<ZoneSet>();
  only_com->load_file((test::source_dir() / "fixtures" / "dns" / "example.com.zone").string());
  auto net = std::make_shared<ZoneSet>();
  net->load_file((test::source_dir() / "fixtures" / "dns" / "example.net.zone").string());
  ZoneResolver fallback(net, nullptr);
  ZoneResolver overlay(only_com, &fallback);
  CHECK(overlay.mode() == "overlay");
  auto a = overlay.lookup("ext.example.com", RRType::A);
  INFO("got " << to_string(a.status) << " " << a.note);
  CHECK(a.status == Status::NOERROR);
  CHECK(a.name == "ext.example.com");
  CHECK(a.cnames == std::vector<std::string>{"www.example.net"});
  REQUIRE(a.records.size() == 1);
  CHECK(a.records[0].value == "198.51.100.80");

  ZoneResolver offline(only_com, nullptr);
  auto b = offline.lookup("ext.example.com", RRType::A);
  CHECK(b.status == Status::OFFLINE);
  CHECK(b.cnames == std::vector<std::string>{"www.example.net"});
}

TEST_CASE("a root zone makes the zone set the whole world: names outside every other zone are NXDOMAIN", "[unit]") {
  fs::path dir = fs::temp_directory_path() / ("mailaudit-root-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // A root zone with a delegation of net. (example.net is loaded below it, other .net names are not).
  std::ofstream(dir / "root.zone") << "$ORIGIN .\n$TTL 86400\n"
                                   << ". IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 120\n"
                                   << ". IN NS a.root-servers.net.\n"
                                   << "net. IN NS a.gtld-servers.net.\n";
  auto world = fixture_zones();
  world->load_file((dir / "root.zone").string());
  CHECK(world->has_root());
  ZoneResolver with_root(world, nullptr);
  ZoneResolver without_root(fixture_zones(), nullptr);
  CHECK_FALSE(fixture_zones()->has_root());

  struct Row {
    const char* label;
    ZoneResolver& resolver;
    const char* name;
    RRType type;
    Status want;
  };
  const Row rows[] = {
      {"root: a name outside every zone", with_root, "gmail.com", RRType::MX, Status::NXDOMAIN},
      {"root: a TLD that is not in the root zone", with_root, "example.invalid", RRType::A, Status::NXDOMAIN},
      {"root: a name in a loaded zone still answers", with_root, "example.com", RRType::MX, Status::NOERROR},
      {"root: absence inside a loaded zone", with_root, "no-such.example.com", RRType::A, Status::NXDOMAIN},
      {"root: a name above a loaded zone exists", with_root, "com", RRType::A, Status::NODATA},
      {"root: the root itself", with_root, "", RRType::A, Status::NXDOMAIN},  // not queried: the empty name
      {"root: below a delegation whose zone is not loaded", with_root, "www.example-elsewhere.net", RRType::A, Status::OFFLINE},
      {"root: a loaded zone below a delegation", with_root, "mail.example.net", RRType::MX, Status::NOERROR},
      {"no root: a name outside every zone", without_root, "gmail.com", RRType::MX, Status::OFFLINE},
      {"no root: a TLD", without_root, "com", RRType::A, Status::OFFLINE},
  };
  for (const auto& row : rows) {
    auto a = row.resolver.lookup(row.name, row.type);
    INFO(row.label << ": got " << to_string(a.status) << " from " << a.server << " (" << a.note << "), want "
                   << to_string(row.want));
    CHECK(a.status == row.want);
  }
  auto nx = with_root.lookup("gmail.com", RRType::MX);
  CHECK(nx.server == "zone:" + (dir / "root.zone").string());
  CHECK(nx.ttl == 120u);  // min(SOA TTL 86400, SOA MINIMUM 120)
  auto soa = world->lookup("", RRType::SOA);
  REQUIRE(soa);
  CHECK(soa->answer.status == Status::NOERROR);
  fs::remove_all(dir);
}
