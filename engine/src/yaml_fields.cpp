#include "yaml_fields.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "loader_codes.hpp"

namespace reframe::loader_detail {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

void report_unknown_key(const Field& field, FileContext& ctx, const KeyRules& rules) {
    std::string hint;
    if (auto it = rules.misplaced.find(field.name); it != rules.misplaced.end()) {
        hint = it->second;
    } else if (auto close = did_you_mean(field.name, rules.allowed()); !close.empty()) {
        hint = "did you mean '" + close + "'?";
    } else {
        hint = "the keys allowed here are: " + join(rules.allowed());
    }
    ctx.error(code::unknown_key, ctx.at(field.key), "unknown key '" + field.name + "' in " + rules.what,
              std::move(hint));
}

/// Reads one key of a mapping; false when the key is not a plain word.
bool read_key(const YAML::Node& key, FileContext& ctx, std::string& name) {
    if (!key.IsScalar()) {
        ctx.error(code::wrong_type, ctx.at(key), "a key must be a plain word, not " + describe(key),
                  "write keys as `name: value`");
        return false;
    }
    name = key.Scalar();
    return true;
}

}  // namespace

const Field* Fields::get(std::string_view name) const {
    for (const auto& field : fields_) {
        if (field.name == name) return &field;
    }
    return nullptr;
}

YAML::Node find_key(const YAML::Node& map, std::string_view key) {
    if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    for (const auto& pair : map) {
        if (pair.first.IsScalar() && pair.first.Scalar() == key) return pair.second;
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

SourceLocation value_at(const Field& field, const FileContext& ctx) { return ctx.at(field.value, ctx.at(field.key)); }

std::string describe(const YAML::Node& node) {
    if (!node || node.IsNull()) return "empty";
    if (node.IsScalar()) return "a text";
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a mapping (`key: value` lines)";
    return "something else";
}

void wrong_type(const Field& field, FileContext& ctx, std::string_view expected) {
    // `say: {feeling} is welcome` is a common slip: YAML reads a leading `{` as a mapping.
    const bool braces = field.value.IsMap() && field.value.Style() == YAML::EmitterStyle::Flow;
    ctx.error(code::wrong_type, value_at(field, ctx),
              "`" + field.name + "` should be " + std::string(expected) + ", not " + describe(field.value),
              braces ? "put a text that starts with `{` in quotes, e.g. \"{feeling} is welcome\""
                     : "write it as " + std::string(expected));
}

std::optional<Fields> read_fields(const YAML::Node& node, const SourceLocation& where, FileContext& ctx,
                                  const KeyRules& rules) {
    if (!node.IsMap()) {
        ctx.error(code::wrong_type, ctx.at(node, where),
                  rules.what + " should be a mapping (`key: value` lines), not " + describe(node),
                  "write it as `key: value` lines, e.g. `" + rules.allowed().front() + ": …`");
        return std::nullopt;
    }
    std::vector<Field> fields;
    for (const auto& pair : node) {
        Field field{"", pair.first, pair.second};
        if (!read_key(pair.first, ctx, field.name)) continue;
        if (std::find(rules.allowed().begin(), rules.allowed().end(), field.name) == rules.allowed().end()) {
            report_unknown_key(field, ctx, rules);
            continue;
        }
        auto first = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == field.name; });
        if (first != fields.end()) {
            ctx.error(code::duplicate_key, ctx.at(field.key),
                      "key '" + field.name + "' appears twice in " + rules.what + " (first at line " +
                          std::to_string(ctx.at(first->key).line) + ")",
                      "keep one of them; a later one would silently replace the first");
            continue;
        }
        fields.push_back(std::move(field));
    }
    return Fields(std::move(fields));
}

std::optional<std::vector<Field>> read_named(const Field& field, FileContext& ctx, std::string_view kind,
                                             const char* duplicate_code) {
    if (!field.value.IsMap()) {
        wrong_type(field, ctx, "a mapping of " + std::string(kind) + " names");
        return std::nullopt;
    }
    std::vector<Field> entries;
    for (const auto& pair : field.value) {
        Field entry{"", pair.first, pair.second};
        if (!read_key(pair.first, ctx, entry.name)) continue;
        if (!check_name(entry.name, ctx.at(entry.key), ctx, kind)) continue;
        auto first = std::find_if(entries.begin(), entries.end(), [&](const Field& f) { return f.name == entry.name; });
        if (first != entries.end()) {
            ctx.error(duplicate_code, ctx.at(entry.key),
                      std::string(kind) + " '" + entry.name + "' is defined twice (first at " +
                          first_at(ctx.at(first->key), ctx.at(entry.key)) + ")",
                      "rename one of them or merge the two");
            continue;
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::optional<std::string> read_text(const Field& field, FileContext& ctx) {
    if (!field.value.IsScalar()) {
        wrong_type(field, ctx, "a text");
        return std::nullopt;
    }
    return field.value.Scalar();
}

std::optional<std::vector<YAML::Node>> read_text_list(const Field& field, FileContext& ctx) {
    if (field.value.IsScalar()) return std::vector<YAML::Node>{field.value};
    if (!field.value.IsSequence() || field.value.size() == 0) {
        wrong_type(field, ctx, "a text or a list of texts");
        return std::nullopt;
    }
    std::vector<YAML::Node> items;
    bool ok = true;
    for (const auto& item : field.value) {
        if (item.IsScalar()) {
            items.push_back(item);
            continue;
        }
        ctx.error(code::wrong_type, ctx.at(item, value_at(field, ctx)),
                  "each item of `" + field.name + "` should be a text, not " + describe(item),
                  "write one text per `- ` line");
        ok = false;
    }
    if (!ok) return std::nullopt;
    return items;
}

std::optional<std::vector<std::string>> read_words(const Field& field, FileContext& ctx) {
    auto items = read_text_list(field, ctx);
    if (!items) return std::nullopt;
    std::vector<std::string> words;
    for (const auto& item : *items) words.push_back(item.Scalar());
    return words;
}

std::optional<bool> read_bool(const Field& field, FileContext& ctx) {
    if (field.value.IsScalar()) {
        const std::string value = lower(field.value.Scalar());
        if (value == "true" || value == "yes") return true;
        if (value == "false" || value == "no") return false;
    }
    wrong_type(field, ctx, "true or false");
    return std::nullopt;
}

std::optional<long long> read_integer(const Field& field, FileContext& ctx) {
    if (field.value.IsScalar()) {
        const std::string& text = field.value.Scalar();
        long long value = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec == std::errc{} && ptr == end && !text.empty()) return value;
    }
    wrong_type(field, ctx, "a whole number");
    return std::nullopt;
}

bool is_name(std::string_view name) {
    return !name.empty() &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

bool check_name(std::string_view name, const SourceLocation& where, FileContext& ctx, std::string_view kind) {
    if (is_name(name)) return true;
    ctx.error(code::bad_name, where, std::string(kind) + " name '" + std::string(name) + "' is not valid",
              "use only letters, digits and `_` (no spaces, dots or dashes), e.g. 'body_scan'");
    return false;
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
    std::string out;
    for (const auto& word : words) {
        if (!out.empty()) out += separator;
        out += word;
    }
    return out;
}

}  // namespace reframe::loader_detail
