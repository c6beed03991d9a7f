// Rows for the checks that read only the message: a message, the finding ids it must produce and the
// ids it must not. Rows change one thing in a well-formed message.
#pragma once
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "test_support.hpp"

namespace mailaudit::test {

// A well-formed message; rows change one thing.
inline const std::string kGood =
    "From: News <news@example.com>\n"
    "To: reader@example.net\n"
    "Subject: Hello\n"
    "Date: Fri, 27 Nov 2026 09:00:00 +0000\n"
    "Message-ID: <1@example.com>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Hello.\n";

inline std::string without(const std::string& msg, const std::string& line) {
  std::string out = msg;
  auto pos = out.find(line);
  REQUIRE(pos != std::string::npos);
  out.erase(pos, line.size() + 1);
  return out;
}

inline std::string replace(const std::string& msg, const std::string& from, const std::string& to) {
  std::string out = msg;
  auto pos = out.find(from);
  REQUIRE(pos != std::string::npos);
  out.replace(pos, from.size(), to);
  return out;
}

struct MessageRow {
  std::string label;
  std::string message;  // LF line ends; converted to CRLF unless raw
  std::vector<std::string> want;
  std::vector<std::string> absent;
  bool raw = false;
};

inline void run_rows(const std::vector<MessageRow>& rows) {
  for (const auto& row : rows) {
    Report r = test::audit_text(row.raw ? row.message : test::crlf(row.message));
    auto got = test::finding_ids(r);
    for (const auto& id : row.want) {
      INFO(row.label << ": got " << test::join(got) << ", want " << id);
      CHECK(test::has_finding(r, id));
    }
    for (const auto& id : row.absent) {
      INFO(row.label << ": got " << test::join(got) << ", want no " << id);
      CHECK_FALSE(test::has_finding(r, id));
    }
    for (const auto& f : r.findings) {
      INFO(row.label << ": " << f.id << " left a placeholder: " << f.title << " / " << f.detail);
      CHECK(f.title.find('{') == std::string::npos);
      CHECK(f.detail.find('{') == std::string::npos);
    }
  }
}

}  // namespace mailaudit::test
