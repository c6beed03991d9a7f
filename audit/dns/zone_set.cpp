#include "dns/zone_set.hpp"


#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "dns/ldns_records.hpp"
#include "dns/names.hpp"

namespace mailaudit::dns {

namespace fs = std::filesystem;

namespace {

bool is_at_or_below(const std::string& name, const std::string& apex) {
  return name == apex || (name.size() > apex.size() && name.compare(name.size() - apex.size(), apex.size(), apex) == 0 &&
                          name[name.size() - apex.size() - 1] == '.');
}

std::string parent(const std::string& name) {
  auto dot = name.find('.');
  return dot == std::string::npos ? "" : name.substr(dot + 1);
}

constexpr int kMaxChain = 16;

}  // namespace

void ZoneSet::load_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(path.c_str(), "r"), std::fclose);
  if (!fp) throw ZoneError(path + ": cannot read zone file");
  std::string origin_text = fs::path(path).filename().string();
  if (origin_text.size() > 5 && origin_text.compare(origin_text.size() - 5, 5, ".zone") == 0)
    origin_text.resize(origin_text.size() - 5);
  ldns_rdf* origin = ldns_dname_new_frm_str((origin_text + ".").c_str());
  ldns_zone* zone = nullptr;
  int line = 0;
  ldns_status st = ldns_zone_new_frm_fp_l(&zone, fp.get(), origin, 3600, LDNS_RR_CLASS_IN, &line);
  if (origin) ldns_rdf_deep_free(origin);
  if (st != LDNS_STATUS_OK) throw ZoneError(path + ":" + std::to_string(line) + ": " + ldns_get_errorstr_by_id(st));
  std::unique_ptr<ldns_zone, void (*)(ldns_zone*)> holder(zone, ldns_zone_deep_free);
  ldns_rr* soa = ldns_zone_soa(zone);
  if (!soa) throw ZoneError(path + ":1: no SOA record (the zone apex is where its SOA is)");

  Zone z;
  z.apex = name_from_rdf(ldns_rr_owner(soa));
  z.file = path;
  // RFC 2308 §5: negative answers are cached for min(SOA TTL, SOA MINIMUM).
  z.negative_ttl = std::min<std::uint32_t>(ldns_rr_ttl(soa), ldns_rdf2native_int32(ldns_rr_rdf(soa, 6)));
  for (const auto& existing : zones_)
    if (existing.apex == z.apex) throw ZoneError(path + ":1: zone " + z.apex + " is already loaded from " + existing.file);

  auto add = [&](const ldns_rr* rr) {
    auto rec = record_from_ldns(rr);
    if (!rec) return;
    if (!is_at_or_below(rec->name, z.apex)) return;  // out-of-zone data (glue elsewhere) is not ours to answer
    nodes_[rec->name][static_cast<std::uint16_t>(rec->type)].push_back(*rec);
    for (std::string p = parent(rec->name); !p.empty() && is_at_or_below(p, z.apex) && p != z.apex; p = parent(p))
      empty_non_terminals_.insert(p);
  };
  add(soa);
  ldns_rr_list* rrs = ldns_zone_rrs(zone);
  for (std::size_t i = 0; rrs && i < ldns_rr_list_rr_count(rrs); ++i) add(ldns_rr_list_rr(rrs, i));
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

std::vector<std::string> ZoneSet::files() const {
  std::vector<std::string> out;
  for (const auto& z : zones_) out.push_back(z.file);
  return out;
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
    a.server = "zone:" + zone->file;
    const std::map<std::uint16_t, std::vector<Record>>* rrsets = nullptr;
    bool synthesised = false;
    if (auto it = nodes_.find(current); it != nodes_.end()) {
      rrsets = &it->second;
    } else if (!empty_non_terminals_.count(current)) {
      // RFC 4592: the source of synthesis is "*." under the closest encloser.
      std::string encloser = parent(current);
      while (!encloser.empty() && is_at_or_below(encloser, zone->apex) && !exists(encloser)) encloser = parent(encloser);
      if (auto wc = nodes_.find("*." + encloser); !encloser.empty() && wc != nodes_.end()) {
        rrsets = &wc->second;
        synthesised = true;
      }
    }
    if (!rrsets) {
      a.status = empty_non_terminals_.count(current) ? Status::NODATA : Status::NXDOMAIN;
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
