// The value every DNS lookup returns. Statuses stay distinct all the way to the findings:
// TIMEOUT, SERVFAIL and REFUSED mean "not known", never "no record".
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailaudit::dns {

enum class Status { NOERROR, NXDOMAIN, NODATA, SERVFAIL, REFUSED, TIMEOUT, OFFLINE };

enum class RRType : std::uint16_t {
  A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28,
};

struct Record {
  std::string name;     // owner, lower case, no trailing dot
  RRType type = RRType::A;
  std::uint32_t ttl = 0;
  // The value as checks use it: A/AAAA address text; PTR, CNAME, NS and MX targets lower case without
  // the trailing dot ("" for the root, i.e. a null MX); TXT character-strings joined without separators
  // (RFC 7208 §3.3); SOA in presentation form.
  std::string value;
  std::uint16_t preference = 0;  // MX only
};

// One packet exchange of a live lookup, as evidence: which server was asked what, when, and what it said.
struct Try {
  std::string query;      // the name asked in this try (differs from the answer's name after a CNAME)
  std::string server;     // "127.0.0.1:53"
  std::string transport;  // "udp" or "tcp"
  bool edns = true;       // the query carried an EDNS0 OPT record
  std::string at;         // when it was sent: UTC, milliseconds, "2024-05-01T12:00:00.123Z"
  // What came back: a status name (NOERROR, NODATA, NXDOMAIN, SERVFAIL, REFUSED, FORMERR, NOTIMP, BADVERS, ...),
  // REFERRAL or LAME (a reply that is neither data nor authoritative absence), TRUNCATED (TC=1), TIMEOUT,
  // UNREACHABLE (nothing listens there), UNANSWERED (no reply yet when the lookup ended).
  std::string result;
  std::optional<double> rtt_ms;  // when a reply came
  bool late = false;             // the reply came after this try's timeout, while a later try was out
  std::string note;
};

struct Answer {
  std::string name;  // as asked, lower case, no trailing dot
  RRType type = RRType::A;
  Status status = Status::OFFLINE;
  std::vector<Record> records;       // of the asked type, at the end of any CNAME chain
  std::vector<std::string> cnames;   // the chain followed, in order
  std::optional<std::uint32_t> ttl;  // smallest TTL of the records, or the negative-caching TTL
  std::string server;                // who answered: "127.0.0.1:53", "zone:fixtures/dns/x.zone", "cache"
  double elapsed_ms = 0;
  std::string note;                  // why, for errors: "no answer after 2 tries of 1000 ms", "CNAME loop"
  std::vector<Try> tries;            // live lookups only: every packet exchange, in the order sent

  bool ok() const { return status == Status::NOERROR; }
  // The answer says nothing about the name: the check must report a temporary error, not absence.
  bool unknown() const {
    return status == Status::SERVFAIL || status == Status::REFUSED || status == Status::TIMEOUT ||
           status == Status::OFFLINE;
  }
  // Authoritative absence: the name or the type does not exist.
  bool absent() const { return status == Status::NXDOMAIN || status == Status::NODATA; }
};

std::string_view to_string(Status s);
// "name TYPE STATUS", for messages about an answer.
std::string describe(const Answer& a);
// A record's value as people read it: "10 mx.example.com" for MX ("0 ." for a null MX), else the value.
std::string presentation(const Record& r);
// Every record of an answer in presentation form, ", "-separated.
std::string presentation(const Answer& a);
std::string_view to_string(RRType t);

}  // namespace mailaudit::dns
