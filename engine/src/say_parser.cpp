#include "say_parser.hpp"

#include "loader_codes.hpp"
#include "tone.hpp"

namespace reframe::loader_detail {
namespace {

/// Where `{name` first appears in a template's text, so an undefined variable is shown
/// at the variable itself.
std::size_t variable_offset(const std::string& source, const std::string& name) {
    for (std::size_t at = source.find('{'); at != std::string::npos; at = source.find('{', at + 1)) {
        std::size_t p = at + 1;
        while (p < source.size() && source[p] == ' ') ++p;
        if (source.compare(p, name.size(), name) == 0) return p;
    }
    return 0;
}

std::optional<std::vector<Template>> read_variant(const YAML::Node& item, const SourceLocation& where,
                                                  FileContext& ctx) {
    if (item.IsScalar()) {
        auto compiled = compile_template(item, ctx);
        if (!compiled) return std::nullopt;
        return std::vector<Template>{std::move(*compiled)};
    }
    if (!item.IsSequence() || item.size() == 0) {
        ctx.error(code::wrong_type, ctx.at(item, where),
                  "each variant of `say` should be a text or a list of texts, not " + describe(item),
                  "write a variant as \"text\", or as a list of short messages sent one after another");
        return std::nullopt;
    }
    std::vector<Template> messages;
    bool ok = true;
    for (const auto& message : item) {
        if (!message.IsScalar()) {
            ctx.error(code::wrong_type, ctx.at(message, where),
                      "a message inside a `say` variant should be a text, not " + describe(message),
                      "lists can be nested only one level: say → variant → messages");
            ok = false;
            continue;
        }
        auto compiled = compile_template(message, ctx);
        if (compiled) messages.push_back(std::move(*compiled));
        ok = ok && compiled.has_value();
    }
    if (!ok) return std::nullopt;
    return messages;
}

}  // namespace

std::optional<Template> compile_template(const YAML::Node& scalar, FileContext& ctx) {
    const std::string& source = scalar.Scalar();
    auto compiled = Template::compile(source);
    if (!compiled) {
        ctx.error(code::bad_template, ctx.in_scalar(scalar, compiled.error().offset),
                  "bad template: " + compiled.error().message,
                  "write variables as {name} or {name|filter}, and {{ or }} for a literal brace");
        return std::nullopt;
    }
    for (const auto& name : compiled->variables()) {
        ctx.state().var_uses.push_back({name, ctx.in_scalar(scalar, variable_offset(source, name))});
    }
    check_tone(scalar, ctx);
    return std::move(*compiled);
}

std::optional<std::vector<std::vector<Template>>> read_say(const Field& field, FileContext& ctx) {
    if (field.value.IsScalar()) {
        auto variant = read_variant(field.value, value_at(field, ctx), ctx);
        if (!variant) return std::nullopt;
        return std::vector<std::vector<Template>>{std::move(*variant)};
    }
    if (!field.value.IsSequence() || field.value.size() == 0) {
        wrong_type(field, ctx, "a text or a list of variants");
        return std::nullopt;
    }
    std::vector<std::vector<Template>> variants;
    bool ok = true;
    for (const auto& item : field.value) {
        auto variant = read_variant(item, value_at(field, ctx), ctx);
        if (variant) variants.push_back(std::move(*variant));
        ok = ok && variant.has_value();
    }
    if (!ok) return std::nullopt;
    return variants;
}

std::optional<std::vector<Template>> read_templates(const Field& field, FileContext& ctx) {
    auto items = read_text_list(field, ctx);
    if (!items) return std::nullopt;
    std::vector<Template> templates;
    bool ok = true;
    for (const auto& item : *items) {
        auto compiled = compile_template(item, ctx);
        if (compiled) templates.push_back(std::move(*compiled));
        ok = ok && compiled.has_value();
    }
    if (!ok) return std::nullopt;
    return templates;
}

namespace {

/// The template of one `name: "text"` entry of `set` or `record`.
std::optional<Template> read_entry_template(const Field& entry, FileContext& ctx, std::string_view expected) {
    if (!entry.value.IsScalar()) {
        wrong_type(entry, ctx, expected);
        return std::nullopt;
    }
    return compile_template(entry.value, ctx);
}

}  // namespace

std::optional<std::vector<Assignment>> read_assignments(const Field& field, FileContext& ctx) {
    auto entries = read_named(field, ctx, "variable", code::duplicate_key);
    if (!entries) return std::nullopt;
    std::vector<Assignment> assignments;
    bool ok = true;
    for (const auto& entry : *entries) {
        if (entry.name == "text" || entry.name == "clause" || entry.name == "consent") {
            ctx.error(code::bad_name, ctx.at(entry.key), "`" + entry.name + "` is read-only: reframe fills it in",
                      entry.name == "consent" ? "the person's choice changes only through `do: grant_transcripts` or "
                                                "`do: decline_transcripts`"
                                              : "`set` a variable of your own name instead");
            ok = false;
            continue;
        }
        ctx.state().declared_vars.insert(entry.name);
        if (entry.value.IsNull()) {
            assignments.push_back({entry.name, Template{}});
            continue;
        }
        auto compiled = read_entry_template(entry, ctx, "a text");
        if (compiled) assignments.push_back({entry.name, std::move(*compiled)});
        ok = ok && compiled.has_value();
    }
    if (!ok) return std::nullopt;
    return assignments;
}

std::optional<std::vector<Assignment>> read_records(const Field& field, FileContext& ctx) {
    auto entries = read_named(field, ctx, "measure", code::duplicate_key);
    if (!entries) return std::nullopt;
    std::vector<Assignment> records;
    bool ok = true;
    for (const auto& entry : *entries) {
        ctx.state().measure_names.insert(entry.name);
        auto compiled = read_entry_template(entry, ctx, "a text, such as \"{pain}\"");
        if (compiled) records.push_back({entry.name, std::move(*compiled)});
        ok = ok && compiled.has_value();
    }
    if (!ok) return std::nullopt;
    return records;
}

}  // namespace reframe::loader_detail
