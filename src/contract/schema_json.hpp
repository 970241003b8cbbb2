// JSON Schema fragments shared by the request and response schemas (private: nlohmann types).
#pragma once

#include <nlohmann/json.hpp>

#include "authkit/contract.hpp"
#include "contract/field_rule.hpp"

namespace authkit::detail {

// Keys keep their insertion order, which is the order the original document uses.
using OrderedJson = nlohmann::ordered_json;

// {"type":"string","minLength":..,"maxLength":..,"format":..,"pattern":..}: the keys zod writes
// for a string, in its order; absent rules are left out.
OrderedJson string_schema(const StringField& field);

// {"type":"object","properties":{...},"required":[every property],"additionalProperties":false}
OrderedJson object_schema(OrderedJson properties);

// The schema of a request input, generated from its field declarations.
OrderedJson request_schema(const ObjectSchema& schema);

// The schema of a serialised resource (User, Session, ... ErrorResponse); nullopt for a
// request schema.
std::optional<OrderedJson> response_schema(Schema schema);

}  // namespace authkit::detail
