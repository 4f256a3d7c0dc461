#include "condition_parser.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "loader_codes.hpp"

namespace reframe::loader_detail {
namespace {

/// A name, or dotted names as templates read them: `history.pain.trend`, `settings.x`.
bool is_variable_name(std::string_view name) {
    if (name.empty() || name.front() == '.' || name.back() == '.') return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto dot = name.find('.', start);
        const auto part = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (!is_name(part)) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
    return false;
}

constexpr std::string_view usage = "write `name`, `not name`, or `name == value` (also !=, <, <=, >, >=)";

struct OpSpelling {
    std::string_view text;
    Condition::Op op;
};

// Two-character operators first, so `<=` is not read as `<`.
constexpr std::array<OpSpelling, 6> operators{{{"==", Condition::Op::eq},
                                               {"!=", Condition::Op::ne},
                                               {"<=", Condition::Op::le},
                                               {">=", Condition::Op::ge},
                                               {"<", Condition::Op::lt},
                                               {">", Condition::Op::gt}}};

std::pair<std::size_t, std::size_t> trimmed(std::string_view text, std::size_t from, std::size_t to) {
    while (from < to && text[from] == ' ') ++from;
    while (to > from && text[to - 1] == ' ') --to;
    return {from, to};
}

tl::unexpected<ConditionError> fail(std::size_t offset, std::string message, std::string hint = std::string(usage)) {
    return tl::make_unexpected(ConditionError{offset, std::move(message), std::move(hint)});
}

bool is_number(std::string_view text) {
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && ptr == text.data() + text.size() && !text.empty();
}

tl::expected<Condition, ConditionError> parse_test(std::string_view source, std::size_t begin, std::size_t end) {
    const std::string_view body = source.substr(begin, end - begin);
    Condition condition;
    condition.op = Condition::Op::is_set;
    std::size_t name_at = begin;
    if (body.starts_with("not ")) {
        condition.op = Condition::Op::is_unset;
        name_at = trimmed(source, begin + 4, end).first;
    }
    condition.var = std::string(source.substr(name_at, end - name_at));
    if (!is_variable_name(condition.var)) {
        return fail(name_at, "'" + condition.var + "' is not a variable name");
    }
    return condition;
}

tl::expected<std::string, ConditionError> parse_value(std::string_view source, std::size_t begin, std::size_t end,
                                                      std::string_view op) {
    if (begin == end) {
        return fail(begin, "a value is missing after `" + std::string(op) + "`",
                    "write e.g. `step " + std::string(op) + " 2`; use '' to compare with an empty value");
    }
    const char quote = source[begin];
    if (quote != '\'' && quote != '"') return std::string(source.substr(begin, end - begin));
    if (end - begin < 2 || source[end - 1] != quote) {
        return fail(begin, "the quote that starts the value is never closed",
                    std::string("end the value with ") + quote);
    }
    return std::string(source.substr(begin + 1, end - begin - 2));
}

}  // namespace

tl::expected<Condition, ConditionError> parse_condition(std::string_view source) {
    const auto [begin, end] = trimmed(source, 0, source.size());
    if (begin == end) return fail(0, "the condition is empty");
    const std::size_t op_at = source.find_first_of("=!<>", begin);
    if (op_at == std::string_view::npos || op_at >= end) {
        auto test = parse_test(source, begin, end);
        if (test) test->source = std::string(source.substr(begin, end - begin));
        return test;
    }
    const auto spelling = std::find_if(operators.begin(), operators.end(),
                                       [&](const OpSpelling& o) { return source.substr(op_at).starts_with(o.text); });
    if (spelling == operators.end()) {
        const bool single_equals = source[op_at] == '=';
        return fail(op_at, single_equals ? "`=` is not a comparison" : "unknown operator",
                    single_equals ? "write `==` to compare, e.g. `step == 2`" : std::string(usage));
    }
    const auto [name_begin, name_end] = trimmed(source, begin, op_at);
    Condition condition;
    condition.op = spelling->op;
    condition.var = std::string(source.substr(name_begin, name_end - name_begin));
    if (!is_variable_name(condition.var)) {
        return fail(name_begin, "'" + condition.var + "' is not a variable name");
    }
    const auto [value_begin, value_end] = trimmed(source, op_at + spelling->text.size(), end);
    auto value = parse_value(source, value_begin, value_end, spelling->text);
    if (!value) return tl::make_unexpected(value.error());
    const bool ordering = condition.op != Condition::Op::eq && condition.op != Condition::Op::ne;
    if (ordering && !is_number(*value)) {
        return fail(value_begin,
                    "`" + std::string(spelling->text) + "` compares numbers, and '" + *value + "' is not a number",
                    "compare with a number, e.g. `count < 3`, or use == / != for text");
    }
    condition.value = std::move(*value);
    condition.source = std::string(source.substr(begin, end - begin));
    return condition;
}

std::optional<std::vector<Condition>> read_conditions(const Field& field, FileContext& ctx) {
    auto items = read_text_list(field, ctx);
    if (!items) return std::nullopt;
    std::vector<Condition> conditions;
    bool ok = true;
    for (const auto& item : *items) {
        const std::string& text = item.Scalar();
        auto parsed = parse_condition(text);
        if (!parsed) {
            ctx.error(code::bad_condition, ctx.in_scalar(item, parsed.error().offset),
                      "bad condition: " + parsed.error().message, parsed.error().hint);
            ok = false;
            continue;
        }
        const auto var_at = text.find(parsed->var);
        ctx.state().var_uses.push_back({parsed->var, ctx.in_scalar(item, var_at == std::string::npos ? 0 : var_at)});
        conditions.push_back(std::move(*parsed));
    }
    if (!ok) return std::nullopt;
    return conditions;
}

}  // namespace reframe::loader_detail
