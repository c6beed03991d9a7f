// The only list of checks. Adding a check: write checks/<name>.cpp with its run function, declare it in
// checks.hpp, add one row here, give each finding id it emits an entry in rules/findings.toml and the check
// its one-line summary in rules/words.toml [checks] (scripts/new-check does all of it).
#include "registry.hpp"

#include "checks.hpp"

namespace mailaudit::checks {

const std::vector<Check>& registry() {
  static const std::vector<Check> checks = {
      {"ip", Stage::connect, {"ip.reserved"}, run_ip, {"ip"}},
      {"rdns", Stage::connect, {"rdns.ok", "rdns.missing", "rdns.unconfirmed", "rdns.generic", "rdns.temperror", "rdns.not_checked"},
       run_rdns,
       {"ip"}},
      {"dnsbl", Stage::connect, {"dnsbl.clear", "dnsbl.listed", "dnsbl.unusable", "dnsbl.temperror", "dnsbl.not_checked"},
       run_dnsbl,
       {"ip"}},
      {"helo", Stage::helo, {"helo.ok", "helo.missing", "helo.invalid", "helo.not_fqdn", "helo.bare_ip", "helo.literal_mismatch",
        "helo.no_address", "helo.ip_mismatch", "helo.rdns_mismatch", "helo.temperror", "helo.not_checked"},
       run_helo,
       {"helo"}},
      {"domain_lists", Stage::helo, {"helo.listed", "sender.listed", "from.listed", "dkim.listed", "lists.clear", "lists.unusable", "lists.temperror",
        "lists.not_checked"},
       run_domain_lists},
      {"spf_helo", Stage::helo, {"spf_helo.pass", "spf_helo.fail", "spf_helo.softfail", "spf_helo.neutral", "spf_helo.none", "spf_helo.permerror",
        "spf_helo.temperror", "spf_helo.lookups_near_limit", "spf_helo.not_checked"},
       run_spf_helo,
       {"ip", "helo"}},
      {"spf", Stage::mail, {"spf.pass", "spf.fail", "spf.softfail", "spf.neutral", "spf.none", "spf.permerror", "spf.temperror",
        "spf.lookups_near_limit", "spf.not_checked"},
       run_spf,
       {"ip", "mail_from"}},
      {"sender", Stage::mail, {"sender.ok", "sender.null", "sender.invalid", "sender.nxdomain", "sender.no_mail", "sender.null_mx",
        "sender.a_only", "sender.mx_unresolvable", "sender.temperror", "sender.not_checked", "sender.long_local_part"},
       run_sender,
       {"mail_from"}},
      {"rcpt", Stage::rcpt, {"rcpt.ok", "rcpt.provider", "rcpt.invalid", "rcpt.nxdomain", "rcpt.no_mail", "rcpt.null_mx",
        "rcpt.temperror", "rcpt.not_checked"},
       run_rcpt,
       {"rcpt"}},
      {"from", Stage::end_of_data, {"from.missing", "from.multiple", "from.invalid"}, run_from},
      {"from_domain", Stage::end_of_data, {"from.ok", "from.nxdomain", "from.no_mail", "from.no_address", "from.null_mx", "from.temperror",
        "from.not_checked"},
       run_from_domain},
      {"dkim", Stage::end_of_data, {"dkim.pass", "dkim.none", "dkim.fail", "dkim.key_missing", "dkim.key_invalid", "dkim.key_weak", "dkim.expired",
        "dkim.temperror", "dkim.key_short", "dkim.sha1", "dkim.testing", "dkim.fragile", "dkim.not_oversigned", "dkim.not_checked"},
       run_dkim},
      {"dmarc", Stage::end_of_data, {"dmarc.pass", "dmarc.fail", "dmarc.none", "dmarc.policy_none", "dmarc.invalid", "dmarc.temperror",
        "dmarc.discovery_differs", "dmarc.not_checked"},
       run_dmarc},
      {"unsubscribe", Stage::end_of_data, {"unsubscribe.ok", "unsubscribe.missing", "unsubscribe.one_click_missing", "unsubscribe.not_signed"},
       run_unsubscribe},
      {"bulk", Stage::end_of_data, {"bulk.requirements"}, run_bulk},
      {"headers", Stage::end_of_data, {"headers.ok", "headers.date_missing", "headers.date_invalid", "headers.date_future",
        "headers.message_id_missing", "headers.message_id_invalid", "headers.duplicate",
        "headers.mime_version_missing"},
       run_headers},
      {"raw_bytes", Stage::end_of_data, {"headers.line_too_long", "headers.bare_lf", "headers.nul", "headers.8bit"}, run_raw_bytes},
      {"uri", Stage::end_of_data, {"uri.clear", "uri.listed", "uri.unusable", "uri.temperror", "uri.not_checked", "uri.shortener",
        "uri.ip_literal", "uri.obfuscated", "uri.display_mismatch", "uri.nxdomain"},
       run_uri},
      {"links", Stage::end_of_data, {"links.redirect", "links.landed", "links.redirect_listed", "links.broken", "links.temperror", "links.private", "links.tls",
        "links.skipped_unsubscribe", "links.not_checked", "links.followed"},
       run_links},
      {"mime", Stage::end_of_data, {"mime.ok", "mime.malformed"}, run_mime},
      {"size", Stage::end_of_data, {"size.ok", "size.over_limit", "size.html_clipped"}, run_size},
  };
  return checks;
}

}  // namespace mailaudit::checks
