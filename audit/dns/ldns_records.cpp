#include "dns/ldns_records.hpp"

#include <cctype>

#include <cstdlib>

#include "util/names.hpp"

namespace mailaudit::dns {

namespace {

std::string rdf_text(const ldns_rdf* rdf) {
  if (!rdf) return "";
  char* s = ldns_rdf2str(rdf);
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

bool modelled(ldns_rr_type t) {
  switch (t) {
    case LDNS_RR_TYPE_A:
    case LDNS_RR_TYPE_AAAA:
    case LDNS_RR_TYPE_NS:
    case LDNS_RR_TYPE_CNAME:
    case LDNS_RR_TYPE_SOA:
    case LDNS_RR_TYPE_PTR:
    case LDNS_RR_TYPE_MX:
    case LDNS_RR_TYPE_TXT: return true;
    default: return false;
  }
}

}  // namespace

// ldns writes odd octets of a name as \DDD or \X; names are compared as the octets they are (a query for
// "a b.example" must find the zone's "a\032b.example"). An escaped dot stays escaped: it is inside a label.
std::string unescape_name(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    if (i + 3 < s.size() + 0 && std::isdigit(static_cast<unsigned char>(s[i + 1])) && std::isdigit(static_cast<unsigned char>(s[i + 2])) &&
        std::isdigit(static_cast<unsigned char>(s[i + 3]))) {
      int v = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
      if (v != '.' && v < 256) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    } else if (s[i + 1] != '.') {
      out += s[++i];
      continue;
    }
    out += s[i];
  }
  return out;
}

std::string name_from_rdf(const ldns_rdf* rdf) { return normalise_name(unescape_name(rdf_text(rdf))); }

std::optional<Record> record_from_ldns(const ldns_rr* rr) {
  ldns_rr_type t = ldns_rr_get_type(rr);
  if (!modelled(t)) return std::nullopt;
  Record r;
  r.name = name_from_rdf(ldns_rr_owner(rr));
  r.type = static_cast<RRType>(t);
  r.ttl = ldns_rr_ttl(rr);
  switch (t) {
    case LDNS_RR_TYPE_A:
    case LDNS_RR_TYPE_AAAA: r.value = rdf_text(ldns_rr_rdf(rr, 0)); break;
    case LDNS_RR_TYPE_NS:
    case LDNS_RR_TYPE_CNAME:
    case LDNS_RR_TYPE_PTR: r.value = name_from_rdf(ldns_rr_rdf(rr, 0)); break;
    case LDNS_RR_TYPE_MX:
      if (ldns_rr_rd_count(rr) < 2) return std::nullopt;
      r.preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
      r.value = name_from_rdf(ldns_rr_rdf(rr, 1));  // "" for "." (null MX, RFC 7505)
      break;
    case LDNS_RR_TYPE_TXT:
      // RFC 7208 §3.3: the character-strings of one record are joined without separators.
      for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
        const std::uint8_t* data = ldns_rdf_data(rdf);
        std::size_t size = ldns_rdf_size(rdf);
        if (size == 0) continue;
        std::size_t len = std::min<std::size_t>(data[0], size - 1);
        r.value.append(reinterpret_cast<const char*>(data + 1), len);
      }
      break;
    case LDNS_RR_TYPE_SOA:
      for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i)
        r.value += (i ? " " : "") + rdf_text(ldns_rr_rdf(rr, i));
      break;
    default: return std::nullopt;
  }
  return r;
}

}  // namespace mailaudit::dns
