// The only list of checks. Adding a check: write checks/<name>.cpp with its run function, declare it in
// checks.hpp, add one row here, and give each finding id it emits an entry in rules/findings.toml.
#include "registry.hpp"

#include "checks.hpp"

namespace mailaudit::checks {

const std::vector<Check>& registry() {
  static const std::vector<Check> checks = {
      {"ip", Stage::connect, "--ip itself: private, loopback or documentation addresses are noted",
       {"ip.reserved"}, run_ip, {"ip"}},
      {"rdns", Stage::connect, "reverse DNS of --ip: PTR present, forward-confirmed, not generic",
       {"rdns.ok", "rdns.missing", "rdns.unconfirmed", "rdns.generic", "rdns.temperror", "rdns.not_checked"},
       run_rdns,
       {"ip"}},
      {"dnsbl", Stage::connect, "--ip on the IP blocklists of rules/blocklists.toml, with test points",
       {"dnsbl.clear", "dnsbl.listed", "dnsbl.unusable", "dnsbl.temperror", "dnsbl.not_checked"},
       run_dnsbl,
       {"ip"}},
      {"helo", Stage::helo, "--helo: syntax, bare IP, literal, A/AAAA/MX, matches the client IP and its PTR",
       {"helo.ok", "helo.missing", "helo.invalid", "helo.not_fqdn", "helo.bare_ip", "helo.literal_mismatch",
        "helo.no_address", "helo.ip_mismatch", "helo.rdns_mismatch", "helo.temperror", "helo.not_checked"},
       run_helo,
       {"helo"}},
      {"domain_lists", Stage::helo, "HELO, envelope sender and From domains on the domain blocklists",
       {"helo.listed", "sender.listed", "from.listed", "lists.clear", "lists.unusable", "lists.temperror",
        "lists.not_checked"},
       run_domain_lists},
      {"spf_helo", Stage::helo, "SPF (RFC 7208) of the HELO identity for --ip",
       {"spf_helo.pass", "spf_helo.fail", "spf_helo.softfail", "spf_helo.neutral", "spf_helo.none", "spf_helo.permerror",
        "spf_helo.temperror", "spf_helo.lookups_near_limit"},
       run_spf_helo,
       {"ip", "helo"}},
      {"spf", Stage::mail, "SPF (RFC 7208) of the MAIL FROM identity for --ip (the HELO identity for the null sender)",
       {"spf.pass", "spf.fail", "spf.softfail", "spf.neutral", "spf.none", "spf.permerror", "spf.temperror",
        "spf.lookups_near_limit"},
       run_spf,
       {"ip", "mail_from"}},
      {"sender", Stage::mail, "envelope sender (--mail-from): valid, domain exists and receives bounces",
       {"sender.ok", "sender.null", "sender.invalid", "sender.nxdomain", "sender.no_mail", "sender.null_mx",
        "sender.a_only", "sender.mx_unresolvable", "sender.temperror", "sender.not_checked"},
       run_sender,
       {"mail_from"}},
      {"rcpt", Stage::rcpt, "--rcpt: valid, domain exists and receives mail, which provider runs the MX",
       {"rcpt.ok", "rcpt.provider", "rcpt.invalid", "rcpt.nxdomain", "rcpt.no_mail", "rcpt.null_mx",
        "rcpt.temperror", "rcpt.not_checked"},
       run_rcpt,
       {"rcpt"}},
      {"from", Stage::end_of_data, "header From: present once, one valid mailbox",
       {"from.missing", "from.multiple", "from.invalid"}, run_from},
      {"from_domain", Stage::end_of_data, "header From domain in DNS: exists, MX or address, no null MX",
       {"from.ok", "from.nxdomain", "from.no_mail", "from.no_address", "from.null_mx", "from.temperror",
        "from.not_checked"},
       run_from_domain},
      {"headers", Stage::end_of_data, "Date, Message-ID, single-instance fields, MIME-Version",
       {"headers.ok", "headers.date_missing", "headers.date_invalid", "headers.date_future",
        "headers.message_id_missing", "headers.message_id_invalid", "headers.duplicate",
        "headers.mime_version_missing"},
       run_headers},
      {"raw_bytes", Stage::end_of_data, "what the transport sees: line length, bare LF/CR, NUL, unencoded 8-bit",
       {"headers.line_too_long", "headers.bare_lf", "headers.nul", "headers.8bit"}, run_raw_bytes},
      {"uri", Stage::end_of_data, "every URL and domain in the message on the domain (and IP) blocklists; "
       "shorteners, IP literals, obfuscation, link text naming another site, domains that do not exist",
       {"uri.clear", "uri.listed", "uri.unusable", "uri.temperror", "uri.not_checked", "uri.shortener",
        "uri.ip_literal", "uri.obfuscated", "uri.display_mismatch", "uri.nxdomain"},
       run_uri},
      {"links", Stage::end_of_data, "where the links lead: redirects unwrapped offline; with --follow-links each "
       "chain over HTTP, landing domains on the domain blocklists, broken links, TLS problems",
       {"links.redirect", "links.redirect_listed", "links.broken", "links.temperror", "links.private", "links.tls",
        "links.skipped_unsubscribe", "links.not_checked", "links.followed"},
       run_links},
      {"mime", Stage::end_of_data, "MIME structure: boundaries, transfer encodings, limits",
       {"mime.ok", "mime.malformed"}, run_mime},
  };
  return checks;
}

}  // namespace mailaudit::checks
