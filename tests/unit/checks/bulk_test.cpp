// Check "bulk": per mailbox provider of rules/bulk.toml, which published bulk-sender requirements the
// message meets; what could not be checked is said so, never counted as failed.
#include <catch2/catch.hpp>

#include <algorithm>

#include "check_rows.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using test::context;
using test::World;

namespace {

// The "Fail: …." sentence of a bulk.requirements detail ("" when none).
std::string failed_part(const Finding& f) {
  auto at = f.detail.find("Fail:");
  return at == std::string::npos ? "" : f.detail.substr(at, f.detail.find('.', at) - at);
}

}  // namespace

TEST_CASE("bulk check: one finding per provider, failed requirements named, unknown ones not failed", "[unit]") {
  static const rules::Rules builtin = rules::Rules::builtin();
  const std::size_t providers = builtin.bulk().size();
  struct Row {
    const char* label;
    test::CheckRow row;
    std::vector<std::string> failed;      // requirement ids: failed at every provider that has them
    std::vector<std::string> not_failed;  // requirement ids: failed at none
  };
  const Envelope aligned = context("192.0.2.10", "mail.news.example.com", "b@news.example.com");
  const Row rows[] = {
      {"SPF and DMARC aligned, FCrDNS, no DKIM, no unsubscribe", {"aligned", aligned, {}},
       {"dkim", "one_click"}, {"spf", "fcrdns", "rfc5322"}},
      {"an address without forward-confirmed PTR", {"generic", context("192.0.2.77", {}, "b@news.example.com"), {}},
       {"fcrdns"}, {}},
      {"resolver fails: SPF and alignment are unknown, not failed", {"failing", aligned, {}, World::failing},
       {}, {"spf", "alignment", "fcrdns"}},
  };
  for (const auto& r : rows) {
    Report rep = test::audit_row(r.row);
    std::vector<const Finding*> found;
    for (const auto& f : rep.findings)
      if (f.id == "bulk.requirements") found.push_back(&f);
    INFO(r.label << ": got " << found.size() << " bulk.requirements, want " << providers);
    CHECK(found.size() == providers);
    for (const auto& provider : builtin.bulk()) {
      auto f = std::find_if(found.begin(), found.end(), [&](const Finding* x) { return x->title.find(provider.name) == 0; });
      INFO(r.label << ": want a finding titled for " << provider.name);
      REQUIRE(f != found.end());
      std::string fails = failed_part(**f);
      INFO(r.label << ": " << (*f)->title << ": " << (*f)->detail);
      auto requires_ = [&](const std::string& id) {
        return std::find(provider.requires_.begin(), provider.requires_.end(), id) != provider.requires_.end();
      };
      for (const auto& id : r.failed)
        if (requires_(id)) CHECK(fails.find(builtin.word("bulk." + id)) != std::string::npos);
      for (const auto& id : r.not_failed) CHECK(fails.find(builtin.word("bulk." + id)) == std::string::npos);
    }
  }
}
