// Check "dkim": every DKIM-Signature verified against its published key (RFC 6376), with the key's
// strength and the signature's fragility; a key lookup that fails is "cannot tell", never "missing".
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <ctime>

#include "check_rows.hpp"
#include "dkim_signer.hpp"
#include "dns/recording_resolver.hpp"
#include "test_support.hpp"

using namespace mailaudit;
using namespace mailaudit::test;

namespace {

const std::string kMessage = test::crlf(
    "From: News <news@example.com>\nTo: reader@example.net\nSubject: November offers\n"
    "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n"
    "List-Unsubscribe: <https://example.com/u/1>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n\n"
    "Hello reader,\n\nour offers: https://example.com/offers\n");
const std::string kSigned =
    "from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post:from:subject:list-unsubscribe";

}  // namespace

TEST_CASE("the dkim check: pass, fragility, and no signature", "[unit]") {
  Pkey rsa = generate(EVP_PKEY_RSA, 2048);
  auto dns = zone("example.com", "rsa._domainkey IN TXT" + quoted_txt("v=DKIM1; k=rsa; p=" + public_key_b64(rsa.get())) + "\n");
  struct Row {
    const char* label;
    std::string message;
    const char* want_id;
    const char* want_text;  // in the detail of want_id
  };
  std::string fragile = sign(kMessage, rsa.get(), "example.com", "rsa", "from:to:subject:date:message-id:from");
  std::string solid = sign(kMessage, rsa.get(), "example.com", "rsa", kSigned);
  const Row rows[] = {
      {"Subject not over-signed: info, not fragile", fragile, "dkim.not_oversigned", "subject"},
      {"list-unsubscribe not signed at all: info", fragile, "dkim.not_oversigned", "list-unsubscribe"},
      {"well signed", solid, "dkim.pass", "rsa._domainkey.example.com"},
      // dkimpy fails a signing time more than 10 hours ahead ("timestamp in future"); less is clock skew.
      {"t= five hours ahead (a skewed clock) still passes",
       sign(kMessage, rsa.get(), "example.com", "rsa", kSigned, std::to_string(std::time(nullptr) + 5 * 3600)),
       "dkim.pass", "rsa._domainkey.example.com"},
      {"t= a day in the future fails", sign(kMessage, rsa.get(), "example.com", "rsa", kSigned, std::to_string(std::time(nullptr) + 86400)),
       "dkim.fail", "in the future"},
      {"no signature", kMessage, "dkim.none", "DKIM"},
  };
  for (const auto& r : rows) {
    Report rep = test::audit_text(r.message, Envelope{}, *dns);
    const Finding* f = nullptr;
    for (const auto& x : rep.findings)
      if (x.id == r.want_id) f = &x;
    INFO(r.label << ": findings " << test::join(test::ids_of(rep, "dkim")) << ", want " << r.want_id);
    REQUIRE(f);
    INFO("detail: " << f->detail);
    CHECK((f->detail.find(r.want_text) != std::string::npos || f->title.find(r.want_text) != std::string::npos));
  }
  Report solid_report = test::audit_text(solid, Envelope{}, *dns);
  INFO("over-signed From, Subject and List-Unsubscribe: not fragile; got " << test::join(test::ids_of(solid_report, "dkim")));
  CHECK_FALSE(test::has_finding(solid_report, "dkim.fragile"));
  CHECK_FALSE(test::has_finding(solid_report, "dkim.not_oversigned"));
  CHECK(test::has_finding(solid_report, "unsubscribe.ok"));
  Report fragile_report = test::audit_text(fragile, Envelope{}, *dns);
  INFO("not over-signing alone is no warning; got " << test::join(test::ids_of(fragile_report, "dkim")));
  CHECK_FALSE(test::has_finding(fragile_report, "dkim.fragile"));
}

TEST_CASE("dkim check: key states, and lookups that fail or are not made", "[unit]") {
  Pkey rsa = generate(EVP_PKEY_RSA, 2048), rsa1024 = generate(EVP_PKEY_RSA, 1024), rsa512 = generate(EVP_PKEY_RSA, 512);
  auto key = [](EVP_PKEY* k, const std::string& extra = "") {
    return quoted_txt("v=DKIM1; k=rsa; " + extra + "p=" + public_key_b64(k));
  };
  auto dns = zone("example.com", "rsa._domainkey IN TXT" + key(rsa.get()) + "\n" +
                                     "short._domainkey IN TXT" + key(rsa1024.get()) + "\n" +
                                     "weak._domainkey IN TXT" + key(rsa512.get()) + "\n" +
                                     "testing._domainkey IN TXT" + key(rsa.get(), "t=y; ") + "\n" +
                                     "revoked._domainkey IN TXT \"v=DKIM1; k=rsa; p=\"\n" +
                                     "garbage._domainkey IN TXT \"v=DKIM1; k=rsa; p=!!notbase64!!\"\n");
  dns::NullResolver offline;
  struct Row {
    const char* label;
    std::string message;
    dns::Resolver* resolver;
    std::string want;  // the id that must be among the dkim findings
    std::vector<std::string> absent;
  };
  const Row rows[] = {
      {"2048-bit key: pass", sign(kMessage, rsa.get(), "example.com", "rsa", kSigned), dns.get(), "dkim.pass", {"dkim.key_short"}},
      {"1024-bit key: passes, shorter than advised", sign(kMessage, rsa1024.get(), "example.com", "short", kSigned), dns.get(),
       "dkim.key_short", {"dkim.fail"}},
      {"512-bit key: receivers treat it as no signature", sign(kMessage, rsa512.get(), "example.com", "weak", kSigned), dns.get(),
       "dkim.key_weak", {"dkim.pass"}},
      {"t=y: testing mode", sign(kMessage, rsa.get(), "example.com", "testing", kSigned), dns.get(), "dkim.testing", {}},
      {"no key at the selector", sign(kMessage, rsa.get(), "example.com", "absent", kSigned), dns.get(), "dkim.key_missing",
       {"dkim.pass"}},
      {"revoked key (empty p=): unusable", sign(kMessage, rsa.get(), "example.com", "revoked", kSigned), dns.get(), "dkim.key_invalid",
       {"dkim.pass"}},
      {"key that is not base64", sign(kMessage, rsa.get(), "example.com", "garbage", kSigned), dns.get(), "dkim.key_invalid",
       {"dkim.pass"}},
      {"resolver fails: temperror, never key_missing", sign(kMessage, rsa.get(), "example.com", "rsa", kSigned),
       &failing_resolver(), "dkim.temperror", {"dkim.key_missing", "dkim.fail", "dkim.pass"}},
      {"offline: not checked", sign(kMessage, rsa.get(), "example.com", "rsa", kSigned), &offline, "dkim.not_checked",
       {"dkim.key_missing", "dkim.fail", "dkim.pass"}},
      {"no signature, offline: none all the same", kMessage, &offline, "dkim.none", {}},
  };
  for (const auto& row : rows) {
    Report r = test::audit_text(row.message, Envelope{}, *row.resolver);
    auto ids = test::ids_of(r, "dkim");
    INFO(row.label << ": got " << test::join(ids) << ", want " << row.want);
    CHECK(test::has_finding(r, row.want));
    for (const auto& id : row.absent) {
      INFO(row.label << ": got " << test::join(ids) << ", want no " << id);
      CHECK_FALSE(test::has_finding(r, id));
    }
  }
}
