#include "conditions.hpp"

#include <charconv>

#include <string>
#include "reframe/history.hpp"

namespace reframe {
namespace {

/// Digits, or a number word ("eight"): a check-in answer compares as its number.
std::optional<double> as_number(std::string_view text) { return parse_number(text); }

bool compare(Condition::Op op, std::string_view left, std::string_view right) {
    const auto l = as_number(left);
    const auto r = as_number(right);
    const bool numeric = l && r;
    switch (op) {
        case Condition::Op::eq:
            return numeric ? *l == *r : left == right;
        case Condition::Op::ne:
            return numeric ? *l != *r : left != right;
        case Condition::Op::lt:
            return numeric && *l < *r;
        case Condition::Op::le:
            return numeric && *l <= *r;
        case Condition::Op::gt:
            return numeric && *l > *r;
        case Condition::Op::ge:
            return numeric && *l >= *r;
        case Condition::Op::is_set:
        case Condition::Op::is_unset:
            break;
    }
    return false;
}

}  // namespace

bool holds(const Condition& condition, const VariableLookup& lookup) {
    const auto value = lookup(condition.var);
    const std::string_view text = value ? *value : std::string_view{};
    switch (condition.op) {
        case Condition::Op::is_set:
            return !text.empty();
        case Condition::Op::is_unset:
            return text.empty();
        default:
            return compare(condition.op, text, condition.value);
    }
}

}  // namespace reframe
