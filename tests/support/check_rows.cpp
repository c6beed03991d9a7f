#include "check_rows.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "dns/recording_resolver.hpp"
#include "dns/zone_resolver.hpp"
#include "test_support.hpp"

namespace mailaudit::test {

namespace {

class FailingResolver : public dns::Resolver {
 public:
  std::string mode() const override { return "live"; }
  std::vector<std::string> servers() const override { return {"192.0.2.53:53"}; }

 protected:
  std::shared_future<dns::Answer> start(const std::string& name, dns::RRType type) override {
    dns::Answer a;
    a.name = name;
    a.type = type;
    a.status = dns::Status::SERVFAIL;
    a.server = "192.0.2.53:53";
    a.note = "SERVFAIL from every server";
    return dns::ready(std::move(a));
  }
};

// One zone resolver per set of extra zones, built once: the fixture zones plus the given zone texts,
// each written to a file of its own (the zone loader reads files).
dns::Resolver& zone_world(const std::vector<std::string>& extra) {
  static std::mutex mu;
  static std::map<std::vector<std::string>, std::unique_ptr<dns::ZoneResolver>> worlds;
  std::lock_guard lock(mu);
  auto& slot = worlds[extra];
  if (!slot) {
    auto zones = std::make_shared<dns::ZoneSet>();
    zones->load_path((source_dir() / "fixtures" / "dns").string());
    auto dir = std::filesystem::temp_directory_path() /
               ("mailaudit-check-rows-" + std::to_string(::getpid()) + "-" + std::to_string(worlds.size()));
    std::filesystem::create_directories(dir);
    for (std::size_t i = 0; i < extra.size(); ++i) {
      auto file = dir / ("extra" + std::to_string(i) + ".zone");
      std::ofstream(file) << extra[i];
      zones->load_file(file.string());
    }
    std::filesystem::remove_all(dir);
    slot = std::make_unique<dns::ZoneResolver>(zones, nullptr);
  }
  return *slot;
}

}  // namespace

dns::Resolver& failing_resolver() {
  static FailingResolver r;
  return r;
}

Envelope context(std::optional<std::string> ip, std::optional<std::string> helo, std::optional<std::string> mail_from,
                 std::vector<std::string> rcpt) {
  Envelope e;
  e.ip = std::move(ip);
  e.helo = std::move(helo);
  e.mail_from = std::move(mail_from);
  e.rcpt = std::move(rcpt);
  return e;
}

Report audit_row(const CheckRow& row, const std::vector<std::string>& extra_zones) {
  static dns::NullResolver offline;
  dns::Resolver* resolver = &offline;
  if (row.world == World::zones) resolver = &zone_world(extra_zones);
  if (row.world == World::failing) resolver = &failing_resolver();
  std::string raw = row.message.empty() ? message_from() : row.message;
  if (raw.find("\r\n") == std::string::npos) raw = crlf(raw);
  return audit_text(raw, row.env, *resolver);
}

void check_rows(const std::string& check, const std::vector<CheckRow>& rows, const std::vector<std::string>& extra_zones,
                const std::vector<std::string>& syntax_only) {
  static const char* world_names[] = {"zones", "failing", "offline"};
  for (const auto& row : rows) {
    Report r = audit_row(row, extra_zones);
    auto ids = ids_of(r, check);
    INFO(check << ", " << row.label << " (" << world_names[static_cast<int>(row.world)] << "): got " << join(ids)
               << ", want " << join(row.want));
    CHECK(ids == row.want);
    for (const auto& f : r.findings) {
      if (f.check != check) continue;
      INFO(f.id << " left a placeholder: " << f.title << " / " << f.detail);
      CHECK(f.title.find('{') == std::string::npos);
      CHECK(f.detail.find('{') == std::string::npos);
      for (const auto& e : f.evidence) {
        bool logged = std::any_of(r.dns.queries.begin(), r.dns.queries.end(),
                                  [&](const dns::Answer& q) { return q.name == e.name && q.type == e.type; });
        INFO(f.id << ": " << dns::describe(e) << " is evidence but not in the query log");
        CHECK(logged);
      }
      bool needs_evidence = row.world == World::zones && f.severity != Severity::pass && f.severity != Severity::info &&
                            std::find(syntax_only.begin(), syntax_only.end(), f.id) == syntax_only.end();
      if (needs_evidence) {
        INFO(f.id << " is a DNS verdict without evidence");
        CHECK(!f.evidence.empty());
      }
    }
  }
}

}  // namespace mailaudit::test
