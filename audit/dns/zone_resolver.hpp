// Zone files first; names outside them go to the fallback (live DNS: "overlay", the "what if I publish
// this record?" use) or, without one, are answered OFFLINE ("not checked offline", never "missing").
#pragma once
#include <memory>

#include "dns/resolver.hpp"
#include "dns/zone_set.hpp"

namespace mailaudit::dns {

class ZoneResolver : public Resolver {
 public:
  ZoneResolver(std::shared_ptr<const ZoneSet> zones, Resolver* fallback) : zones_(std::move(zones)), fallback_(fallback) {}
  std::string mode() const override { return fallback_ ? "overlay" : "zones"; }
  std::vector<std::string> servers() const override;

 protected:
  std::shared_future<Answer> start(const std::string& name, RRType type) override;

 private:
  std::shared_ptr<const ZoneSet> zones_;
  Resolver* fallback_;  // may be null
};

}  // namespace mailaudit::dns
