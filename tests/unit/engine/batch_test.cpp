// audit_inputs: a batch on several threads gives the same reports, in the same order, as one thread.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "engine/batch.hpp"
#include "nsd_server.hpp"
#include "registry.hpp"
#include "test_support.hpp"

using namespace mailaudit;

namespace {

// "source#index: id id id" per report, in the order the sink got them.
std::vector<std::string> run(const std::vector<std::string>& inputs, std::size_t jobs) {
  static const rules::Rules rules = rules::Rules::builtin();
  auto zones = test::fixture_zone_resolver();
  AuditSettings settings{rules, *zones, checks::registry(), {}, {}};
  Envelope env = test::newsletter_envelope();
  env.rcpt = {"reader@example.net"};
  std::vector<std::string> out;
  audit_inputs(inputs, env, settings, jobs, [&](Report&& r) {
    std::string line = r.message.source + "#" + std::to_string(r.message.index) + ":" + r.error;
    for (const auto& id : test::finding_ids(r)) line += " " + id;
    out.push_back(line);
  });
  return out;
}

}  // namespace

TEST_CASE("a batch on several threads: the same reports in input order", "[engine]") {
  const auto dir = std::filesystem::temp_directory_path() / "mailaudit-batch-test";
  std::filesystem::create_directories(dir);
  const auto mbox = dir / "variants.mbox";
  {
    std::ofstream out(mbox, std::ios::binary);
    for (int i = 0; i < 40; ++i)
      out << "From x Fri Nov 27 09:00:00 2026\nFrom: News <news@news.example.com>\nTo: r" << i << "@example.net\n"
          << "Subject: " << i << "\nDate: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <" << i
          << "@news.example.com>\n" << (i % 7 == 3 ? "" : "MIME-Version: 1.0\n")  // some differ in findings
          << "\nHello " << i << " https://news.example.com/o?r=" << i << "\n\n";
  }
  const std::string fixtures = (test::source_dir() / "fixtures" / "messages").string();
  const std::vector<std::string> inputs = {fixtures + "/newsletter.eml", mbox.string(), fixtures + "/campaign.mbox",
                                           (dir / "missing.eml").string(), fixtures + "/broken-headers.eml"};
  const auto one = run(inputs, 1);
  REQUIRE(one.size() == 1 + 40 + 3 + 1 + 1);
  for (std::size_t jobs : {2, 4, 16}) {
    const auto many = run(inputs, jobs);
    INFO("jobs " << jobs);
    REQUIRE(many.size() == one.size());
    for (std::size_t i = 0; i < one.size(); ++i) {
      INFO("report " << i << ": got " << many[i] << ", want " << one[i]);
      CHECK(many[i] == one[i]);
    }
  }
  std::filesystem::remove_all(dir);
}
