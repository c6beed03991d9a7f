// Bounce diagnosis on the Sisimai corpus (shared/corpora/sisimai): every file processed without an error, and
// agreement with expected.tsv: status (target 98%), reply code (98%), and the stage where the bounce states
// it (95%). Prints the rates and every miss.
#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>
#include <map>

#include "bounce/bounce.hpp"
#include "message/input.hpp"
#include "message/message.hpp"
#include "rules/rules.hpp"
#include "test_support.hpp"
#include "util/text.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;

namespace {

struct Expected {
  std::string file;
  std::size_t index = 0;
  std::string status, reply_code, reason, stage;
};

std::vector<Expected> expected_rows(const fs::path& tsv) {
  std::vector<Expected> out;
  std::ifstream in(tsv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto cols = text::split(line, '\t');
    if (cols.size() < 6) continue;
    out.push_back({std::string(cols[0]), static_cast<std::size_t>(std::stoul(std::string(cols[1]))), std::string(cols[2]),
                   std::string(cols[3]), std::string(cols[4]), std::string(text::trim(cols[5]))});
  }
  return out;
}

struct Rate {
  std::size_t agree = 0, total = 0;
  double percent() const { return total ? 100.0 * static_cast<double>(agree) / static_cast<double>(total) : 100.0; }
};

}  // namespace

TEST_CASE("Sisimai bounces: status, reply code and stated stage agree with expected.tsv", "[corpus]") {
  fs::path dir = test::corpora_dir() / "sisimai";
  if (!fs::exists(dir / "expected.tsv")) {
    WARN("corpus not found at " << dir << ": skipped");
    return;
  }
  rules::Rules rules = rules::Rules::builtin();
  std::map<std::string, bounce::Bounce> diagnosed;
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir / "maildir")) {
    if (!e.is_regular_file()) continue;
    std::string bytes = test::read_file(e.path());
    INFO(e.path());
    auto& into = diagnosed[e.path().filename().string()];
    if (!bounce::reads_as_message(bytes, rules)) {
      REQUIRE_NOTHROW(into = bounce::diagnose_text(bytes, e.path().string(), rules));
    } else {
      // An mbox of several bounces: Sisimai numbers the recipients across all of them.
      read_inputs({e.path().string()}, {}, [&](RawMessage&& raw) {
        REQUIRE(raw.error.empty());
        bounce::Bounce b;
        REQUIRE_NOTHROW(b = bounce::diagnose(parse_message(raw.bytes, raw.source, raw.index), rules));
        if (into.recipients.empty() && into.kind.empty()) into = b;
        else into.recipients.insert(into.recipients.end(), b.recipients.begin(), b.recipients.end());
        into.is_bounce = into.is_bounce || b.is_bounce;
      });
    }
    ++files;
  }
  Rate status, reply, stage, kind;
  std::string misses;
  for (const auto& row : expected_rows(dir / "expected.tsv")) {
    const auto& b = diagnosed[row.file];
    bool not_bounce = row.reason == "feedback" || row.reason == "vacation";
    if (not_bounce) {
      ++kind.total;
      if (!b.is_bounce) ++kind.agree;
      else misses += "  kind " + row.file + ": got a bounce, want " + row.reason + "\n";
      continue;
    }
    const bounce::Recipient* r = row.index >= 1 && row.index <= b.recipients.size() ? &b.recipients[row.index - 1] : nullptr;
    auto got = [&](const std::string& v) { return v.empty() ? std::string("(none)") : v; };
    if (!row.status.empty()) {
      ++status.total;
      std::string g = r ? r->status : "";
      if (g == row.status) ++status.agree;
      else misses += "  status " + row.file + "#" + std::to_string(row.index) + ": got " + got(g) + ", want " + row.status + "\n";
    }
    if (!row.reply_code.empty()) {
      ++reply.total;
      std::string g = r && r->reply_code ? std::to_string(r->reply_code) : "";
      if (g == row.reply_code) ++reply.agree;
      else misses += "  reply " + row.file + "#" + std::to_string(row.index) + ": got " + got(g) + ", want " + row.reply_code + "\n";
    }
    if (!row.stage.empty()) {
      ++stage.total;
      std::string g = r && r->stage ? std::string(to_string(*r->stage)) : "";
      if (g == row.stage) ++stage.agree;
      else misses += "  stage " + row.file + "#" + std::to_string(row.index) + ": got " + got(g) + ", want " + row.stage + "\n";
    }
  }
  std::cout << "sisimai: " << files << " files processed\n" << misses;
  std::cout << "sisimai: status " << status.agree << "/" << status.total << " (" << status.percent() << "%), reply code "
            << reply.agree << "/" << reply.total << " (" << reply.percent() << "%), stated stage " << stage.agree << "/"
            << stage.total << " (" << stage.percent() << "%), not-a-bounce " << kind.agree << "/" << kind.total << "\n";
  CHECK(files > 500);
  CHECK(status.percent() >= 98.0);
  CHECK(reply.percent() >= 98.0);
  CHECK(stage.percent() >= 95.0);
}
