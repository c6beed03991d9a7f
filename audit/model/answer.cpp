#include "model/answer.hpp"

#include <array>
#include <utility>

namespace mailaudit::dns {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::NOERROR: return "NOERROR";
    case Status::NXDOMAIN: return "NXDOMAIN";
    case Status::NODATA: return "NODATA";
    case Status::SERVFAIL: return "SERVFAIL";
    case Status::REFUSED: return "REFUSED";
    case Status::TIMEOUT: return "TIMEOUT";
    case Status::OFFLINE: return "OFFLINE";
  }
  return "?";
}

namespace {
constexpr std::array<std::pair<RRType, std::string_view>, 8> kTypeNames{{
    {RRType::A, "A"}, {RRType::NS, "NS"}, {RRType::CNAME, "CNAME"}, {RRType::SOA, "SOA"},
    {RRType::PTR, "PTR"}, {RRType::MX, "MX"}, {RRType::TXT, "TXT"}, {RRType::AAAA, "AAAA"},
}};
}  // namespace

std::string_view to_string(RRType t) {
  for (const auto& [type, name] : kTypeNames)
    if (type == t) return name;
  return "?";
}

std::string describe(const Answer& a) {
  return a.name + " " + std::string(to_string(a.type)) + " " + std::string(to_string(a.status));
}

std::string presentation(const Record& r) {
  if (r.type == RRType::MX) return std::to_string(r.preference) + " " + (r.value.empty() ? "." : r.value);
  return r.value;
}

std::string presentation(const Answer& a) {
  std::string s;
  for (const auto& r : a.records) s += (s.empty() ? "" : ", ") + presentation(r);
  return s;
}

}  // namespace mailaudit::dns
