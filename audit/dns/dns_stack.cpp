#include "dns/dns_stack.hpp"

namespace mailaudit::dns {

DnsStack::DnsStack(const DnsSettings& s) {
  Resolver* base = nullptr;
  if (!s.offline) {
    LiveOptions lo;
    lo.timeout_ms = s.timeout_ms;
    lo.tries = s.tries;
    lo.max_in_flight = s.max_in_flight;
    for (const auto& spec : s.resolvers) {
      std::string err;
      auto server = parse_server(spec, err);
      if (!server) throw DnsSetupError(err);
      lo.servers.push_back(*server);
    }
    if (lo.servers.empty()) lo.servers = servers_from_resolv_conf(s.resolv_conf);
    live_ = std::make_unique<LiveResolver>(std::move(lo));
    base = live_.get();
  }
  if (!s.zones.empty()) {
    zones_ = std::make_shared<ZoneSet>();
    try {
      for (const auto& z : s.zones) zones_->load_path(z);
    } catch (const ZoneError& e) {
      throw DnsSetupError(e.what());
    }
    zone_resolver_ = std::make_unique<ZoneResolver>(zones_, base);
    base = zone_resolver_.get();
  }
  if (!base) {
    null_ = std::make_unique<NullResolver>();
    base = null_.get();
  }
  cache_ = std::make_unique<CachingResolver>(*base);
}

}  // namespace mailaudit::dns
