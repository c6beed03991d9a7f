// SPF records for the spf and spf_helo check tests: one name per result (RFC 7208 §2.6).
#pragma once
#include <string>

namespace mailaudit::test {

inline const std::string kSpfZone =
    "$ORIGIN spf.example.org.\n$TTL 300\n@ IN SOA ns.test. h.test. 1 60 60 60 60\n@ IN NS ns.test.\n"
    "pass IN TXT \"v=spf1 ip4:192.0.2.10 -all\"\n"
    "pass IN A 192.0.2.10\n"
    "fail IN TXT \"v=spf1 ip4:198.51.100.1 -all\"\n"
    "fail IN A 192.0.2.10\n"
    "soft IN TXT \"v=spf1 ip4:198.51.100.1 ~all\"\n"
    "neutral IN TXT \"v=spf1 ?all\"\n"
    "none IN A 192.0.2.10\n"
    "two IN TXT \"v=spf1 -all\"\n"
    "two IN TXT \"v=spf1 +all\"\n"
    "loop IN TXT \"v=spf1 include:loop.spf.example.org -all\"\n"
    "a1 IN A 198.51.100.1\na2 IN A 198.51.100.2\na3 IN A 198.51.100.3\na4 IN A 198.51.100.4\n"
    "a5 IN A 198.51.100.5\na6 IN A 198.51.100.6\na7 IN A 198.51.100.7\na8 IN A 198.51.100.8\n"
    // Nine DNS-querying terms (each name exists: void lookups count against a limit of two, §4.6.4) before the match: under the limit of ten, near it.
    "near IN TXT \"v=spf1 a:a1.spf.example.org a:a2.spf.example.org a:a3.spf.example.org a:a4.spf.example.org "
    "a:a5.spf.example.org a:a6.spf.example.org a:a7.spf.example.org a:a8.spf.example.org ip4:192.0.2.10 a:a9.spf.example.org -all\"\n";

}  // namespace mailaudit::test
