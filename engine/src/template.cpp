#include "reframe/template.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "reframe/diagnostic.hpp"
#include "reframe/text.hpp"
#include "text_unicode.hpp"

namespace reframe {
namespace {

using Kind = TemplateFilter::Kind;

struct FilterName {
    std::string_view name;
    Kind kind;
};

constexpr std::array filter_names{
    FilterName{"reflect", Kind::reflect}, FilterName{"default", Kind::default_value}, FilterName{"lower", Kind::lower},
    FilterName{"upper", Kind::upper},     FilterName{"capitalize", Kind::capitalize},
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// Offset of `part` (a view into `source`) within `source`.
std::size_t offset_of(std::string_view source, std::string_view part) {
    return static_cast<std::size_t>(part.data() - source.data());
}

/// Reads one template left to right; `{{` and `}}` are literal braces.
class Parser {
public:
    explicit Parser(std::string_view source) : source_(source) {}

    tl::expected<std::vector<TemplatePart>, TemplateError> run() {
        while (pos_ < source_.size()) {
            const char c = source_[pos_];
            if ((c == '{' || c == '}') && pos_ + 1 < source_.size() && source_[pos_ + 1] == c) {
                literal_.push_back(c);
                pos_ += 2;
            } else if (c == '}') {
                return fail(pos_, "unmatched '}' (write '}}' for a literal brace)");
            } else if (c == '{') {
                if (auto ok = parse_variable(); !ok) return tl::make_unexpected(std::move(ok.error()));
            } else {
                literal_.push_back(c);
                ++pos_;
            }
        }
        flush_literal();
        return std::move(parts_);
    }

private:
    using Result = tl::expected<void, TemplateError>;

    static tl::unexpected<TemplateError> fail(std::size_t offset, std::string message) {
        return tl::make_unexpected(TemplateError{offset, std::move(message)});
    }

    void flush_literal() {
        if (literal_.empty()) return;
        parts_.push_back(TemplatePart{std::move(literal_), {}, {}});
        literal_.clear();
    }

    /// `{name|filter|filter:'arg'}` starting at the `{` under pos_.
    Result parse_variable() {
        const std::size_t open = pos_;
        TemplatePart part;
        constexpr std::string_view unclosed = "unclosed '{' (write '{{' for a literal brace)";
        std::size_t end = source_.find_first_of("|}", open + 1);
        if (end == std::string_view::npos) return fail(open, std::string(unclosed));
        const std::string_view name = trim(source_.substr(open + 1, end - open - 1));
        if (auto ok = check_name(name, open); !ok) return ok;
        part.var = std::string(name);
        while (source_[end] == '|') {
            if (end + 1 == source_.size()) return fail(open, std::string(unclosed));
            auto next = parse_filter(end + 1, part.filters);
            if (!next) return tl::make_unexpected(std::move(next.error()));
            end = *next;
            if (end >= source_.size()) return fail(open, std::string(unclosed));
        }
        flush_literal();
        parts_.push_back(std::move(part));
        pos_ = end + 1;
        return {};
    }

    Result check_name(std::string_view name, std::size_t open) const {
        if (name.empty()) return fail(open, "empty variable name in '{}' (write '{{' for a literal brace)");
        for (std::size_t i = 0; i < name.size(); ++i) {
            const char c = name[i];
            const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                            (c == '.' && i > 0 && i + 1 < name.size() && name[i - 1] != '.');
            if (ok) continue;
            const std::size_t at = offset_of(source_, name) + i;
            if (c >= 'A' && c <= 'Z') {
                return fail(at, "variable names are lower case: '" + std::string(name) + "'");
            }
            return fail(at, "invalid character '" + std::string(1, c) + "' in variable name '" + std::string(name) +
                                "' (use a-z, 0-9, '_' and '.')");
        }
        return {};
    }

    /// Parses one filter starting at `at`; returns the offset of the `|` or `}` after it.
    tl::expected<std::size_t, TemplateError> parse_filter(std::size_t at, std::vector<TemplateFilter>& filters) {
        const std::size_t end = std::min(source_.find_first_of(":|}", at), source_.size());
        const std::string_view name = trim(source_.substr(at, end - at));
        if (name.empty()) return fail(at, "empty filter after '|'");
        const auto* known =
            std::find_if(filter_names.begin(), filter_names.end(), [&](const FilterName& f) { return f.name == name; });
        if (known == filter_names.end()) return fail(offset_of(source_, name), unknown_filter_message(name));
        TemplateFilter filter{known->kind, {}};
        const bool has_arg = end < source_.size() && source_[end] == ':';
        if (filter.kind == Kind::default_value && !has_arg) {
            return fail(offset_of(source_, name), "filter 'default' needs a value, e.g. default:'that'");
        }
        if (filter.kind != Kind::default_value && has_arg) {
            return fail(end, "filter '" + std::string(name) + "' takes no value");
        }
        std::size_t after = end;
        if (has_arg) {
            auto parsed = parse_argument(end + 1, filter.arg);
            if (!parsed) return tl::make_unexpected(std::move(parsed.error()));
            after = *parsed;
        }
        filters.push_back(std::move(filter));
        return after;
    }

    /// 'text', "text" or bare text up to the next `|` or `}`; returns the offset after it.
    tl::expected<std::size_t, TemplateError> parse_argument(std::size_t at, std::string& arg) const {
        while (at < source_.size() && (source_[at] == ' ' || source_[at] == '\t')) ++at;
        if (at < source_.size() && (source_[at] == '\'' || source_[at] == '"')) {
            const std::size_t close = source_.find(source_[at], at + 1);
            if (close == std::string_view::npos) return fail(at, "unclosed quote in filter value");
            arg = std::string(source_.substr(at + 1, close - at - 1));
            std::size_t after = close + 1;
            while (after < source_.size() && (source_[after] == ' ' || source_[after] == '\t')) ++after;
            if (after < source_.size() && source_[after] != '|' && source_[after] != '}') {
                return fail(after, "unexpected text after quoted value; expected '|' or '}'");
            }
            return after;
        }
        const std::size_t end = std::min(source_.find_first_of("|}", at), source_.size());
        arg = std::string(trim(source_.substr(at, end - at)));
        return end;
    }

    static std::string unknown_filter_message(std::string_view name) {
        std::vector<std::string> candidates;
        candidates.reserve(filter_names.size());
        for (const auto& f : filter_names) candidates.emplace_back(f.name);
        std::string message = "unknown filter '" + std::string(name) + "'";
        const std::string suggestion = did_you_mean(std::string(name), candidates);
        if (!suggestion.empty()) return message + " (did you mean '" + suggestion + "'?)";
        return message + " (filters: reflect, default, lower, upper, capitalize)";
    }

    std::string_view source_;
    std::size_t pos_ = 0;
    std::string literal_;
    std::vector<TemplatePart> parts_;
};

/// The reflect filter speaks to a reader, so the pronoun "i" is written "I".
void capitalize_pronoun_i(std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool starts = i == 0 || text[i - 1] == ' ';
        const bool ends = i + 1 == text.size() || text[i + 1] == ' ';
        if (text[i] == 'i' && starts && ends) text[i] = 'I';
    }
}

void apply_filter(const TemplateFilter& filter, std::string& value, std::string& scratch) {
    switch (filter.kind) {
        case Kind::reflect:
            value = reflect(value);
            capitalize_pronoun_i(value);
            return;
        case Kind::default_value:
            if (value.empty()) value = filter.arg;
            return;
        case Kind::lower:
        case Kind::upper:
        case Kind::capitalize: {
            const auto mapping = filter.kind == Kind::lower   ? text_detail::CaseMapping::lower
                                 : filter.kind == Kind::upper ? text_detail::CaseMapping::upper
                                                              : text_detail::CaseMapping::capitalize;
            scratch.clear();
            text_detail::append_case_mapped(scratch, value, mapping);
            std::swap(value, scratch);
            return;
        }
    }
}

}  // namespace

tl::expected<Template, TemplateError> Template::compile(std::string_view source) {
    auto parts = Parser(source).run();
    if (!parts) return tl::make_unexpected(std::move(parts.error()));
    Template compiled;
    compiled.source_ = std::string(source);
    compiled.parts_ = std::move(*parts);
    return compiled;
}

std::string Template::render(const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const {
    std::string out;
    out.reserve(source_.size() + 64);
    std::string value;  // reused across parts: only filters need a copy of the value
    std::string scratch;
    for (const auto& part : parts_) {
        if (part.var.empty()) {
            out += part.literal;
            continue;
        }
        const std::optional<std::string_view> found = lookup(part.var);
        if (part.filters.empty()) {
            if (found) out += *found;  // verbatim: a "{x}" inside a value is never expanded
            continue;
        }
        value.assign(found ? *found : std::string_view{});
        for (const auto& filter : part.filters) apply_filter(filter, value, scratch);
        out += value;
    }
    return out;
}

std::vector<std::string> Template::variables() const {
    std::vector<std::string> names;
    for (const auto& part : parts_) {
        if (!part.var.empty() && std::find(names.begin(), names.end(), part.var) == names.end()) {
            names.push_back(part.var);
        }
    }
    return names;
}

}  // namespace reframe
