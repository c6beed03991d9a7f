// Check "unsubscribe": RFC 8058 one-click unsubscribe: List-Unsubscribe with an HTTPS URI,
// List-Unsubscribe-Post, both covered by a passing DKIM signature (what Gmail and Yahoo ask of bulk mail).
#include <openssl/evp.h>

#include <catch2/catch.hpp>

#include "check_rows.hpp"
#include "dkim_signer.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using namespace mailaudit::test;

TEST_CASE("unsubscribe check: one-click headers and their signature", "[unit]") {
  const std::string head =
      "From: News <news@example.com>\nTo: reader@example.net\nSubject: Offers\n"
      "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n";
  const std::string lu = "List-Unsubscribe: <https://example.com/u/1>\n";
  const std::string post = "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n";
  const std::string body = "\nHello.\n";
  Pkey rsa = generate(EVP_PKEY_RSA, 2048);
  auto dns = zone("example.com", "s1._domainkey IN TXT" + quoted_txt("v=DKIM1; k=rsa; p=" + public_key_b64(rsa.get())) + "\n");
  auto signed_with = [&](const std::string& fields) {
    return sign(crlf(head + lu + post + body), rsa.get(), "example.com", "s1", fields);
  };
  struct Row {
    const char* label;
    std::string message;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"no List-Unsubscribe", crlf(head + body), {"unsubscribe.missing"}},
      {"mailto only, no one-click", crlf(head + "List-Unsubscribe: <mailto:u@example.com>\n" + body),
       {"unsubscribe.one_click_missing"}},
      {"HTTPS but no List-Unsubscribe-Post", crlf(head + lu + body), {"unsubscribe.one_click_missing"}},
      {"one-click, unsigned", crlf(head + lu + post + body), {"unsubscribe.not_signed"}},
      {"one-click, signature leaves List-Unsubscribe-Post out", signed_with("from:to:subject:date:message-id:list-unsubscribe"),
       {"unsubscribe.not_signed"}},
      {"one-click, both fields signed",
       signed_with("from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post"), {"unsubscribe.ok"}},
  };
  for (const auto& row : rows) {
    Report r = test::audit_text(row.message, Envelope{}, *dns);
    auto ids = test::ids_of(r, "unsubscribe");
    INFO(row.label << ": got " << test::join(ids) << ", want " << test::join(row.want));
    CHECK(ids == row.want);
  }
}
