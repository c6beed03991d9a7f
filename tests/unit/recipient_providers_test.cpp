// Severity by the recipients' providers (engine/recipient_providers): a finding a recipient's provider
// rejects on becomes an error for the audit; others keep their severity.
#include <catch2/catch.hpp>

#include "engine/recipient_providers.hpp"
#include "test_support.hpp"

using namespace mailaudit;

namespace {

dns::Answer mx(const std::string& domain, const std::string& host) {
  dns::Answer a;
  a.name = domain;
  a.type = dns::RRType::MX;
  a.status = dns::Status::NOERROR;
  a.records.push_back({domain, dns::RRType::MX, 300, host, 10});
  return a;
}

Finding finding(const std::string& id, Severity s) {
  Finding f;
  f.id = id;
  f.severity = s;
  f.detail = "d.";
  return f;
}

}  // namespace

TEST_CASE("recipient providers: known by domain name or by the MX the audit looked up", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  struct Row {
    const char* label;
    std::vector<std::string> rcpt;
    std::vector<dns::Answer> log;
    std::vector<std::string> want;  // provider ids, in recipient order
  };
  const Row rows[] = {
      {"aol.com by name, no DNS needed", {"reader@aol.com"}, {}, {"yahoo"}},
      {"gmail.com by name", {"a@GMAIL.com"}, {}, {"google"}},
      {"a company domain by its MX", {"a@corp.example"}, {mx("corp.example", "corp-example.mail.protection.outlook.com")}, {"microsoft-365"}},
      {"MX of another domain does not count", {"a@corp.example"}, {mx("other.example", "aspmx.l.google.com")}, {}},
      {"unknown provider is skipped", {"a@example.net"}, {}, {}},
      {"an invalid address is skipped", {"not an address"}, {}, {}},
      {"two recipients, two providers", {"a@yahoo.com", "b@gmail.com"}, {}, {"yahoo", "google"}},
  };
  for (const auto& row : rows) {
    Envelope env;
    env.rcpt = row.rcpt;
    std::vector<std::string> got;
    for (const auto& rp : recipient_providers(env, row.log, r)) got.push_back(rp.provider->id);
    INFO(row.label << ": got " << test::join(got) << ", want " << test::join(row.want));
    CHECK(got == row.want);
  }
}

TEST_CASE("recipient providers: severity follows the provider's rejects", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  struct Row {
    const char* label;
    std::string rcpt;  // "" = no recipient
    Finding f;
    Severity want;
    const char* detail_has;  // "" = detail unchanged
  };
  const Row rows[] = {
      {"From with MX but no A, to AOL: AOL's 521 makes it an error", "reader@aol.com",
       finding("from.no_address", Severity::warning), Severity::error, "521 5.2.1"},
      {"the same to Gmail: Google does not reject on it", "reader@gmail.com", finding("from.no_address", Severity::warning),
       Severity::warning, ""},
      {"no recipient given: general severity", "", finding("from.no_address", Severity::warning), Severity::warning, ""},
      {"a pass is never raised", "reader@aol.com", finding("from.no_address", Severity::pass), Severity::pass, ""},
      {"another finding to AOL is unchanged", "reader@aol.com", finding("headers.date_missing", Severity::warning),
       Severity::warning, ""},
  };
  for (const auto& row : rows) {
    Envelope env;
    if (!row.rcpt.empty()) env.rcpt = {row.rcpt};
    std::vector<Finding> fs{row.f};
    apply_recipient_providers(fs, recipient_providers(env, {}, r), r);
    INFO(row.label << ": got " << to_string(fs[0].severity) << " \"" << fs[0].detail << "\", want " << to_string(row.want));
    CHECK(fs[0].severity == row.want);
    if (*row.detail_has) CHECK(fs[0].detail.find(row.detail_has) != std::string::npos);
    else CHECK(fs[0].detail == "d.");
  }
}
