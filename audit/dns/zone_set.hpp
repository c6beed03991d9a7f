// Zone files (RFC 1035 master format, parsed by ldns) answered with authoritative semantics: NXDOMAIN vs
// NODATA (empty non-terminals included), CNAME chains, wildcards (RFC 4592), negative TTLs (RFC 2308).
// A name is covered by the zone with the longest apex above it, unless a zone cut (NS below that apex) lies in
// between and the child zone is not loaded. A root zone ("." with SOA) covers every name: the zone set is then
// the whole world, and a name outside every other zone is NXDOMAIN; without one such names are not covered.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/answer.hpp"

namespace mailaudit::dns {

// what() is "file:line: problem".
struct ZoneError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ZoneSet {
 public:
  // A zone file; its origin is $ORIGIN in the file or else the file name without ".zone".
  void load_file(const std::string& path);
  // A file, or every *.zone file in a folder.
  void load_path(const std::string& file_or_dir);

  bool empty() const { return zones_.empty(); }
  bool has_root() const;
  std::vector<std::string> files() const;

  struct Result {
    Answer answer;
    // Set when a CNAME chain leaves the loaded zones: the answer is incomplete and the lookup continues
    // at this name elsewhere (live DNS in overlay mode).
    std::string continue_at;
  };
  // nullopt when no loaded zone covers `name` (a normalised name).
  std::optional<Result> lookup(const std::string& name, RRType type) const;

 private:
  struct Zone {
    std::string apex;
    std::string file;
    std::uint32_t negative_ttl = 0;
  };
  const Zone* zone_for(const std::string& name) const;
  bool above_a_zone(const std::string& name) const;
  bool exists(const std::string& name) const {
    return nodes_.count(name) || empty_non_terminals_.count(name) || above_a_zone(name);
  }

  std::vector<Zone> zones_;
  std::map<std::string, std::map<std::uint16_t, std::vector<Record>>> nodes_;  // owner -> type -> records
  std::set<std::string> empty_non_terminals_;  // names that exist only because names below them do
};

}  // namespace mailaudit::dns
