#include "resources_parser.hpp"

#include <set>

#include "loader_codes.hpp"

namespace reframe::loader_detail {
namespace {

using Texts = std::map<std::string, std::string>;

std::optional<Texts> read_locale(const Field& field, FileContext& ctx) {
    auto entries = read_named(field, ctx, "resource", code::duplicate_key);
    if (!entries) return std::nullopt;
    Texts texts;
    bool ok = true;
    for (const auto& entry : *entries) {
        auto text = read_text(entry, ctx);
        if (!text) {
            ok = false;
        } else if (text->empty()) {
            ctx.error(code::bad_value, value_at(entry, ctx), "resource '" + entry.name + "' is empty",
                      "write the number or the words the person should see");
            ok = false;
        } else {
            texts[entry.name] = *text;
        }
    }
    if (!ok) return std::nullopt;
    return texts;
}

/// Reports keys the default locale has and `locale` lacks, and the other way round.
void check_same_keys(const Texts& reference, const std::string& reference_name, const Texts& texts, const Field& locale,
                     FileContext& ctx) {
    for (const auto& [key, text] : reference) {
        if (texts.contains(key)) continue;
        ctx.error(code::missing_key, ctx.at(locale.key), "locale '" + locale.name + "' has no '" + key + "'",
                  "every locale gives the same resources as the default '" + reference_name + "'");
    }
    for (const auto& [key, text] : texts) {
        if (reference.contains(key)) continue;
        ctx.error(
            code::unknown_key, ctx.at(locale.key),
            "locale '" + locale.name + "' gives '" + key + "', which the default '" + reference_name + "' does not",
            "add '" + key + "' to '" + reference_name + "' too, or remove it here");
    }
}

}  // namespace

void parse_resources(const Field& field, FileContext& ctx) {
    LoadState& state = ctx.state();
    const SourceLocation where = ctx.at(field.key);
    if (state.resources_where) {
        ctx.error(code::duplicate_settings, where,
                  "`resources` are already given at " + state.resources_where->file + ":" +
                      std::to_string(state.resources_where->line),
                  "keep one `resources:` for the whole folder (usually in resources.yaml)");
        return;
    }
    state.resources_where = where;
    auto fields = read_fields(field.value, where, ctx, KeyRules{"resources", Mapping::resources, {}});
    if (!fields) return;
    const Field* default_field = fields->get("default");
    const Field* locales_field = fields->get("locales");
    if (!default_field || !locales_field) {
        ctx.error(code::missing_key, where, "`resources` need a `default` locale and `locales`",
                  "write `default: intl` and, under `locales:`, one mapping of texts per locale");
        return;
    }
    auto default_name = read_text(*default_field, ctx);
    auto locales = read_named(*locales_field, ctx, "locale", code::duplicate_key);
    if (!default_name || !locales) return;

    Resources resources;
    resources.default_locale = *default_name;
    const Field* reference = nullptr;
    for (const auto& locale : *locales) {
        if (locale.name == *default_name) reference = &locale;
    }
    if (!reference) {
        std::vector<std::string> names;
        for (const auto& locale : *locales) names.push_back(locale.name);
        ctx.error(code::bad_value, value_at(*default_field, ctx),
                  "the default locale '" + *default_name + "' is not under `locales`",
                  names.empty() ? "add it under `locales:`" : "the locales are: " + join(names));
        return;
    }
    auto reference_texts = read_locale(*reference, ctx);
    if (!reference_texts) return;
    for (const auto& locale : *locales) {
        if (&locale == reference) continue;
        auto texts = read_locale(locale, ctx);
        if (!texts) continue;
        check_same_keys(*reference_texts, reference->name, *texts, locale, ctx);
        resources.locales[locale.name] = std::move(*texts);
    }
    resources.locales[reference->name] = std::move(*reference_texts);
    state.set.resources = std::move(resources);
}

}  // namespace reframe::loader_detail
