// Request schemas as JSON Schema, from the StringFields the validators run (no drift possible).
#include "contract/patterns.hpp"
#include "contract/request_schemas.hpp"
#include "contract/schema_json.hpp"

namespace authkit::detail {

OrderedJson string_schema(const StringField& field) {
  OrderedJson out = {{"type", "string"}};
  if (field.min) out["minLength"] = field.min->limit;
  if (field.max) out["maxLength"] = field.max->limit;
  switch (field.format) {
    case StringFormat::kEmail:
      out["format"] = "email";
      out["pattern"] = kEmailPattern;
      break;
    case StringFormat::kUuid:
      out["format"] = "uuid";
      out["pattern"] = kUuidPattern;
      break;
    case StringFormat::kNone:
      break;
  }
  return out;
}

OrderedJson object_schema(OrderedJson properties) {
  OrderedJson required = OrderedJson::array();
  for (const auto& item : properties.items()) required.push_back(item.key());
  OrderedJson out = {{"type", "object"}};
  out["properties"] = std::move(properties);
  out["required"] = std::move(required);
  out["additionalProperties"] = false;
  return out;
}

OrderedJson request_schema(const ObjectSchema& schema) {
  OrderedJson properties = OrderedJson::object();
  for (const StringField& field : schema.fields) {
    properties[std::string(field.property)] = string_schema(field);
  }
  return object_schema(std::move(properties));
}

}  // namespace authkit::detail
