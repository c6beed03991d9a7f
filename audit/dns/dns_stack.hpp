// Builds the resolver a run uses from the command line: zones (--zone), live servers (--resolver or
// /etc/resolv.conf), --offline, timeouts; with one cache on top for the whole run.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dns/caching_resolver.hpp"
#include "dns/live_resolver.hpp"
#include "dns/recording_resolver.hpp"
#include "dns/zone_resolver.hpp"

namespace mailaudit::dns {

struct DnsSettings {
  std::vector<std::string> resolvers;  // HOST[:PORT]; empty: /etc/resolv.conf
  std::vector<std::string> zones;      // files or folders
  bool offline = false;
  int timeout_ms = 2000;
  int tries = 2;
  std::size_t max_in_flight = 128;
  std::string resolv_conf = "/etc/resolv.conf";
};

// what() is one line naming the file or option at fault.
struct DnsSetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DnsStack {
 public:
  explicit DnsStack(const DnsSettings& settings);
  Resolver& resolver() { return *cache_; }
  const LiveResolver* live() const { return live_.get(); }
  const CachingResolver& cache() const { return *cache_; }

 private:
  std::shared_ptr<ZoneSet> zones_;
  std::unique_ptr<LiveResolver> live_;
  std::unique_ptr<NullResolver> null_;
  std::unique_ptr<ZoneResolver> zone_resolver_;
  std::unique_ptr<CachingResolver> cache_;
};

}  // namespace mailaudit::dns
