// The Resolver interface every check uses. Implementations: live (ldns, over the network), zone files,
// overlay (zones first, live for the rest), offline (zones only). See DESIGN.md "Core types".
#pragma once
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "model/answer.hpp"

namespace mailaudit::dns {

struct Query {
  std::string name;
  RRType type = RRType::A;
};

class Resolver {
 public:
  virtual ~Resolver() = default;

  // Start a lookup; thread-safe. Names are absolute (no search list), case and a trailing dot ignored.
  // A name that cannot exist (empty label, label over 63 octets, name over 253) is answered NXDOMAIN
  // without a query, with the reason in `note`.
  std::shared_future<Answer> lookup_async(std::string_view name, RRType type);
  // Blocking form.
  Answer lookup(std::string_view name, RRType type) { return lookup_async(name, type).get(); }
  // Send all, then wait for all: the wall time is that of the slowest, not the sum.
  std::vector<Answer> lookup_all(const std::vector<Query>& queries);

  virtual std::string mode() const = 0;                 // "live", "zones", "overlay", "offline"
  virtual std::vector<std::string> servers() const = 0; // where answers come from

 protected:
  // Called with a normalised, valid name.
  virtual std::shared_future<Answer> start(const std::string& name, RRType type) = 0;
};

// An already-answered future, for resolvers that answer synchronously.
std::shared_future<Answer> ready(Answer a);

}  // namespace mailaudit::dns
