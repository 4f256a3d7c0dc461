#pragma once
// Private: typed reading of YAML nodes for the loader. Every wrong shape becomes a
// diagnostic that says what was expected, at the value's line and column.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "key_tables.hpp"
#include "load_context.hpp"

namespace reframe::loader_detail {

/// One `key: value` of a mapping, with both nodes for their places.
struct Field {
    std::string name;
    YAML::Node key;
    YAML::Node value;
};

/// The keys a mapping may have (those of its kind in key_tables.cpp), and what to say
/// about keys that belong elsewhere.
struct KeyRules {
    std::string what;  // "state 'ask'", "rule", "interrupt 'help'"
    Mapping kind;
    std::map<std::string, std::string> misplaced;  // key -> hint ("`goto` belongs in a rule")

    const std::vector<std::string>& allowed() const { return keys_of(kind); }
};

/// The checked fields of a mapping, in the order written.
class Fields {
public:
    explicit Fields(std::vector<Field> fields) : fields_(std::move(fields)) {}
    const Field* get(std::string_view name) const;
    bool has(std::string_view name) const { return get(name) != nullptr; }
    const std::vector<Field>& all() const { return fields_; }

private:
    std::vector<Field> fields_;
};

/// The value of `key` in a mapping, or an undefined node. Unlike yaml-cpp's operator[]
/// it never throws and never inserts.
YAML::Node find_key(const YAML::Node& map, std::string_view key);

/// Where a field's value is (the key's place when the value is empty).
SourceLocation value_at(const Field& field, const FileContext& ctx);

/// "a text", "a list", "a mapping", "nothing": how a node reads to a person.
std::string describe(const YAML::Node& node);

/// Reports that `field` has the wrong type ("`say` should be a text, not a mapping").
void wrong_type(const Field& field, FileContext& ctx, std::string_view expected);

/// Checks that `node` is a mapping with only allowed, unique keys. Unknown keys get a
/// did-you-mean. nullopt (and a diagnostic) when `node` is not a mapping at all.
std::optional<Fields> read_fields(const YAML::Node& node, const SourceLocation& where, FileContext& ctx,
                                  const KeyRules& rules);

/// The entries of a mapping of names (states, intents, vars): names must be valid and
/// unique; a repeated name is reported with `duplicate_code`.
std::optional<std::vector<Field>> read_named(const Field& field, FileContext& ctx, std::string_view kind,
                                             const char* duplicate_code);

std::optional<std::string> read_text(const Field& field, FileContext& ctx);
/// A text or a list of texts; the scalar nodes, for their places.
std::optional<std::vector<YAML::Node>> read_text_list(const Field& field, FileContext& ctx);
/// A text or a list of texts, as plain words (`tags`).
std::optional<std::vector<std::string>> read_words(const Field& field, FileContext& ctx);
std::optional<bool> read_bool(const Field& field, FileContext& ctx);
std::optional<long long> read_integer(const Field& field, FileContext& ctx);

/// Letters, digits and `_` only (names of flows, states, intents, variables, lexicons).
bool is_name(std::string_view name);
/// Reports RF0109 unless `name` is a valid name; returns whether it is.
bool check_name(std::string_view name, const SourceLocation& where, FileContext& ctx, std::string_view kind);

/// "a, b, c" for hints.
std::string join(const std::vector<std::string>& words, std::string_view separator = ", ");

}  // namespace reframe::loader_detail
