#pragma once
/// Response templates: "It sounds like {situation|reflect|default:'today'} was hard."
///
/// Syntax: `{name}` inserts a variable, `{name|filter|filter:arg}` pipes it through
/// filters, `{{` and `}}` are literal braces. Filters: `reflect`, `default:'text'`,
/// `lower`, `upper`, `capitalize`. Interpolated values are inserted verbatim and never
/// re-expanded, so a captured "{var}" is printed as typed.
///
/// Thread-safety: a compiled Template is immutable; render() may run concurrently.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace reframe {

struct TemplateFilter {
    enum class Kind { reflect, default_value, lower, upper, capitalize };
    Kind kind;
    std::string arg;  // only for default_value
};

struct TemplatePart {
    std::string literal;  // when var is empty
    std::string var;
    std::vector<TemplateFilter> filters;
};

struct TemplateError {
    std::size_t offset = 0;  // byte offset in the source text
    std::string message;     // short, lower case: "unknown filter 'reflct' (did you mean 'reflect'?)"
};

class Template {
public:
    Template() = default;
    static tl::expected<Template, TemplateError> compile(std::string_view source);

    /// Looks each variable up through `lookup`; an unset variable renders as its
    /// `default:` or as an empty string.
    std::string render(const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const;

    /// Names of the variables referenced, for the validator.
    std::vector<std::string> variables() const;
    const std::string& source() const { return source_; }
    /// The literal texts and variable references, in order (for lint).
    const std::vector<TemplatePart>& parts() const { return parts_; }
    bool empty() const { return parts_.empty(); }

private:
    std::string source_;
    std::vector<TemplatePart> parts_;
};

}  // namespace reframe
