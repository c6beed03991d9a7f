#include "dns/zone_set.hpp"


#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "dns/ldns_records.hpp"
#include "util/names.hpp"

namespace mailaudit::dns {

namespace fs = std::filesystem;

namespace {

bool is_at_or_below(const std::string& name, const std::string& apex) {
  if (apex.empty()) return true;  // the root zone holds every name
  return name == apex || (name.size() > apex.size() && name.compare(name.size() - apex.size(), apex.size(), apex) == 0 &&
                          name[name.size() - apex.size() - 1] == '.');
}

std::string parent(const std::string& name) {
  auto dot = name.find('.');
  return dot == std::string::npos ? "" : name.substr(dot + 1);
}

constexpr int kMaxChain = 16;
constexpr std::uintmax_t kMaxZoneFileBytes = 64u << 20;

}  // namespace

void ZoneSet::load_file(const std::string& path) {
  // Zone files are input too: a device or a huge file must not hang or exhaust the run.
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw ZoneError(path + ": not a regular file");
  auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxZoneFileBytes)
    throw ZoneError(path + ": zone file is " + std::to_string(size) + " bytes, over the limit of " +
                    std::to_string(kMaxZoneFileBytes));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(path.c_str(), "r"), std::fclose);
  if (!fp) throw ZoneError(path + ": cannot read zone file");
  std::string origin_text = fs::path(path).filename().string();
  if (origin_text.size() > 5 && origin_text.compare(origin_text.size() - 5, 5, ".zone") == 0)
    origin_text.resize(origin_text.size() - 5);

  // Record by record rather than ldns_zone_new_frm_fp_l, which leaks what it read when a later line fails.
  using Rr = std::unique_ptr<ldns_rr, void (*)(ldns_rr*)>;
  std::vector<Rr> records;
  ldns_rdf* origin = ldns_dname_new_frm_str((origin_text + ".").c_str());
  ldns_rdf* prev = nullptr;
  std::uint32_t default_ttl = 3600;
  int line = 0;
  std::string error;
  while (error.empty() && !std::feof(fp.get())) {
    ldns_rr* rr = nullptr;
    ldns_status st = ldns_rr_new_frm_fp_l(&rr, fp.get(), &default_ttl, &origin, &prev, &line);
    if (st == LDNS_STATUS_OK) {
      if (rr) records.emplace_back(rr, ldns_rr_free);
    } else if (st == LDNS_STATUS_SYNTAX_INCLUDE) {
      error = path + ":" + std::to_string(line) + ": $INCLUDE is not supported";
    } else if (st != LDNS_STATUS_SYNTAX_EMPTY && st != LDNS_STATUS_SYNTAX_TTL && st != LDNS_STATUS_SYNTAX_ORIGIN) {
      error = path + ":" + std::to_string(line) + ": " + ldns_get_errorstr_by_id(st);
    }
    if (rr && st != LDNS_STATUS_OK) ldns_rr_free(rr);
  }
  if (origin) ldns_rdf_deep_free(origin);
  if (prev) ldns_rdf_deep_free(prev);
  if (!error.empty()) throw ZoneError(error);

  const ldns_rr* soa = nullptr;
  for (const auto& rr : records)
    if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_SOA) {
      if (soa) throw ZoneError(path + ": more than one SOA record");
      soa = rr.get();
    }
  if (!soa) throw ZoneError(path + ":1: no SOA record (the zone apex is where its SOA is)");

  Zone z;
  z.apex = name_from_rdf(ldns_rr_owner(soa));
  z.file = path;
  // RFC 2308 §5: negative answers are cached for min(SOA TTL, SOA MINIMUM).
  z.negative_ttl = std::min<std::uint32_t>(ldns_rr_ttl(soa), ldns_rdf2native_int32(ldns_rr_rdf(soa, 6)));
  for (const auto& existing : zones_)
    if (existing.apex == z.apex) throw ZoneError(path + ":1: zone " + z.apex + " is already loaded from " + existing.file);

  for (const auto& rr : records) {
    auto rec = record_from_ldns(rr.get());
    if (!rec) continue;
    if (!is_at_or_below(rec->name, z.apex)) continue;  // out-of-zone data (glue elsewhere) is not ours to answer
    nodes_[rec->name][static_cast<std::uint16_t>(rec->type)].push_back(*rec);
    for (std::string p = parent(rec->name); !p.empty() && is_at_or_below(p, z.apex) && p != z.apex; p = parent(p))
      empty_non_terminals_.insert(p);
  }
  zones_.push_back(std::move(z));
  // Names that carry records are not empty non-terminals.
  for (const auto& [name, types] : nodes_) empty_non_terminals_.erase(name);
}

void ZoneSet::load_path(const std::string& file_or_dir) {
  std::error_code ec;
  if (!fs::is_directory(file_or_dir, ec)) {
    load_file(file_or_dir);
    return;
  }
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(file_or_dir, ec))
    if (e.path().extension() == ".zone") files.push_back(e.path().string());
  if (files.empty()) throw ZoneError(file_or_dir + ": no *.zone files in this folder");
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load_file(f);
}

bool ZoneSet::has_root() const {
  return std::any_of(zones_.begin(), zones_.end(), [](const Zone& z) { return z.apex.empty(); });
}

std::vector<std::string> ZoneSet::files() const {
  std::vector<std::string> out;
  for (const auto& z : zones_) out.push_back(z.file);
  return out;
}

// A name above a loaded zone's apex exists in the enclosing zone (a root zone need not list "com" for a loaded
// example.com): NODATA, not NXDOMAIN, which would deny every name below it (RFC 8020).
bool ZoneSet::above_a_zone(const std::string& name) const {
  return std::any_of(zones_.begin(), zones_.end(), [&](const Zone& z) { return z.apex != name && is_at_or_below(z.apex, name); });
}

const ZoneSet::Zone* ZoneSet::zone_for(const std::string& name) const {
  const Zone* best = nullptr;
  for (const auto& z : zones_)
    if (is_at_or_below(name, z.apex) && (!best || z.apex.size() > best->apex.size())) best = &z;
  return best;
}

std::optional<ZoneSet::Result> ZoneSet::lookup(const std::string& name, RRType type) const {
  Result res;
  Answer& a = res.answer;
  a.name = name;
  a.type = type;
  std::string current = name;
  for (int hop = 0; hop < kMaxChain; ++hop) {
    const Zone* zone = zone_for(current);
    if (!zone) {
      if (hop == 0) return std::nullopt;
      res.continue_at = current;
      return res;
    }
    // A zone cut (NS records below the apex) without the child zone loaded: the data is elsewhere.
    bool delegated = false;
    for (std::string n = current; !n.empty() && n != zone->apex; n = parent(n))
      if (auto it = nodes_.find(n); it != nodes_.end() && it->second.count(static_cast<std::uint16_t>(RRType::NS))) delegated = true;
    if (delegated) {
      if (hop == 0) return std::nullopt;
      res.continue_at = current;
      return res;
    }
    a.server = "zone:" + zone->file;
    const std::map<std::uint16_t, std::vector<Record>>* rrsets = nullptr;
    bool synthesised = false;
    if (auto it = nodes_.find(current); it != nodes_.end()) {
      rrsets = &it->second;
    } else if (!empty_non_terminals_.count(current) && !above_a_zone(current)) {
      // RFC 4592: the source of synthesis is "*." under the closest encloser.
      std::string encloser = parent(current);
      while (!encloser.empty() && is_at_or_below(encloser, zone->apex) && !exists(encloser)) encloser = parent(encloser);
      // The walk ends at the empty name only in the root zone, whose apex is the root.
      bool have_encloser = !encloser.empty() || zone->apex.empty();
      if (auto wc = nodes_.find(encloser.empty() ? "*" : "*." + encloser); have_encloser && wc != nodes_.end()) {
        rrsets = &wc->second;
        synthesised = true;
      }
    }
    if (!rrsets) {
      a.status = empty_non_terminals_.count(current) || above_a_zone(current) ? Status::NODATA : Status::NXDOMAIN;
      a.ttl = zone->negative_ttl;
      return res;
    }
    if (auto rs = rrsets->find(static_cast<std::uint16_t>(type)); rs != rrsets->end()) {
      a.status = Status::NOERROR;
      for (Record r : rs->second) {
        if (synthesised) r.name = current;
        a.ttl = a.ttl ? std::min(*a.ttl, r.ttl) : r.ttl;
        a.records.push_back(std::move(r));
      }
      return res;
    }
    auto cname = rrsets->find(static_cast<std::uint16_t>(RRType::CNAME));
    if (cname == rrsets->end() || cname->second.empty()) {
      a.status = Status::NODATA;
      a.ttl = zone->negative_ttl;
      return res;
    }
    const std::string& target = cname->second.front().value;
    if (target == name || std::find(a.cnames.begin(), a.cnames.end(), target) != a.cnames.end()) {
      a.status = Status::SERVFAIL;
      a.note = "CNAME loop at " + target;
      a.cnames.push_back(target);
      return res;
    }
    a.cnames.push_back(target);
    current = target;
  }
  a.status = Status::SERVFAIL;
  a.note = "CNAME chain longer than " + std::to_string(kMaxChain);
  return res;
}

}  // namespace mailaudit::dns
