// Conversion between ldns's records and ours, shared by the live and the zone-file resolvers so both
// present answers identically.
#pragma once
// Standard headers first: ldns's headers redefine `bool` for C, which breaks <optional> included after.
#include <optional>
#include <string>

#include <ldns/ldns.h>

#include "model/answer.hpp"

namespace mailaudit::dns {

// Our Record for an ldns RR of a type we model; nullopt for other types.
std::optional<Record> record_from_ldns(const ldns_rr* rr);
// Owner or target name as text: lower case, no trailing dot.
std::string name_from_rdf(const ldns_rdf* rdf);

}  // namespace mailaudit::dns
