#pragma once
// Private: parses the `if:` conditions of a rule —
//   name | not name | name == value | != | < | <= | > | >=
// where value is 'quoted', "quoted" or a bare word.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "reframe/flow.hpp"
#include "yaml_fields.hpp"

namespace reframe::loader_detail {

struct ConditionError {
    std::size_t offset = 0;  // byte offset in the condition text
    std::string message;
    std::string hint;
};

/// Parses one condition.
tl::expected<Condition, ConditionError> parse_condition(std::string_view source);

/// Reads `if:` (a text or a list); records each variable used.
std::optional<std::vector<Condition>> read_conditions(const Field& field, FileContext& ctx);

}  // namespace reframe::loader_detail
