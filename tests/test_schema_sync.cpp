// The editor JSON Schemas (dialogues/schema/) against the loader's own key tables: every
// key the loader accepts is in the schema, mapping kind by mapping kind, and the other way
// round. tools/check_schema.py (a ctest) validates the bundled files against them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "conversation_spec.hpp"
#include "reframe/flow.hpp"
#include "reframe/yaml_keys.hpp"

using nlohmann::json;

namespace {

const std::string flow_schema_path = std::string{REFRAME_SOURCE_DIR} + "/dialogues/schema/reframe.schema.json";
const std::string test_schema_path = std::string{REFRAME_SOURCE_DIR} + "/dialogues/schema/reframe-test.schema.json";

json read_schema(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    return json::parse(in);
}

std::set<std::string> schema_keys(const json& definition) {
    std::set<std::string> keys;
    if (!definition.contains("properties")) return keys;
    for (const auto& [key, value] : definition["properties"].items()) keys.insert(key);
    return keys;
}

/// The texts of a JSON list, as a set.
std::set<std::string> words(const json& list) {
    std::set<std::string> out;
    for (const auto& word : list) out.insert(word.is_string() ? word.get_ref<const std::string&>() : word.dump());
    return out;
}

/// Every key both ways, with a message that says exactly what to add where.
void check_same_keys(const json& schema, const std::string& schema_path, const std::string& kind,
                     const std::vector<std::string>& loader_keys, const std::string& table) {
    INFO("mapping kind '" << kind << "'");
    REQUIRE(schema["definitions"].contains(kind));
    const json& definition = schema["definitions"][kind];
    CHECK(definition.contains("additionalProperties"));
    CHECK(definition["additionalProperties"] == json(false));
    const auto in_schema = schema_keys(definition);
    for (const auto& key : loader_keys) {
        if (in_schema.contains(key)) continue;
        FAIL_CHECK("the loader accepts `" << key << "` in a " << kind << ", but " << schema_path
                                          << " has no definitions." << kind << ".properties." << key
                                          << ": add it there, with a description for the editor's hover");
    }
    const std::set<std::string> loader(loader_keys.begin(), loader_keys.end());
    for (const auto& key : in_schema) {
        if (loader.contains(key)) continue;
        FAIL_CHECK(schema_path << " allows `" << key << "` in definitions." << kind << ", but the loader rejects it: "
                               << "remove it from the schema, or add it to " << table);
    }
    for (const auto& [key, property] : definition["properties"].items()) {
        INFO("key `" << key << "`");
        CHECK(property.contains("description"));
        CHECK(property["description"].is_string());
        CHECK(property["description"].dump().size() > 2);  // more than ""
    }
}

}  // namespace

TEST_CASE("the flow schema has every key the loader accepts, and no other", "[schema]") {
    const json schema = read_schema(flow_schema_path);
    CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
    REQUIRE_FALSE(reframe::loader_mappings().empty());
    for (const auto& mapping : reframe::loader_mappings()) {
        check_same_keys(schema, "dialogues/schema/reframe.schema.json", mapping.kind, mapping.keys,
                        "engine/src/key_tables.cpp");
    }
}

TEST_CASE("every closed mapping of the flow schema is a kind the loader reads", "[schema]") {
    const json schema = read_schema(flow_schema_path);
    for (const auto& [name, definition] : schema["definitions"].items()) {
        if (!definition.contains("properties")) continue;
        INFO("definitions." << name << " has properties, so the loader must have a key table of that name");
        CHECK_FALSE(reframe::loader_keys(name).empty());
    }
}

TEST_CASE("the key tables are what the loader checks: a key outside them is refused", "[schema][loader]") {
    CHECK(reframe::loader_keys("state").size() >= 8);
    CHECK(reframe::loader_keys("no such kind").empty());
    const auto& rule = reframe::loader_keys("rule");
    const auto& fallback = reframe::loader_keys("fallback");
    CHECK(std::find(rule.begin(), rule.end(), "intent") != rule.end());
    CHECK(std::find(fallback.begin(), fallback.end(), "intent") == fallback.end());  // effects only
    const auto& interrupt = reframe::loader_keys("interrupt");
    CHECK(std::find(interrupt.begin(), interrupt.end(), "safety") != interrupt.end());
}

TEST_CASE("the conversation test schema has every key `reframe test` reads, and no other",
          "[schema][conversation_test]") {
    const json schema = read_schema(test_schema_path);
    check_same_keys(schema, "dialogues/schema/reframe-test.schema.json", "test", reframe::cli::test_keys(),
                    "adapters/cli/conversation_spec.cpp (test_keys)");
    check_same_keys(schema, "dialogues/schema/reframe-test.schema.json", "step", reframe::cli::step_keys(),
                    "adapters/cli/conversation_spec.cpp (step_keys)");
}

TEST_CASE("the schemas' fixed words are the engine's: trap names, data actions, safety kinds", "[schema]") {
    const json flows = read_schema(flow_schema_path);
    const auto& defs = flows["definitions"];
    const std::set<std::string> traps(reframe::thinking_traps().begin(), reframe::thinking_traps().end());
    std::set<std::string> tags = traps;
    tags.insert({reframe::tag_self_critical, reframe::tag_crisis, reframe::tag_medical_urgent});
    CHECK(words(defs["tag_name"]["anyOf"][0]["enum"]) == tags);
    const auto& actions = reframe::data_action_names();
    CHECK(words(defs["rule"]["properties"]["do"]["enum"]) == std::set<std::string>(actions.begin(), actions.end()));
    CHECK(words(defs["interrupt"]["properties"]["safety"]["enum"]) ==
          std::set<std::string>{reframe::tag_crisis, reframe::tag_medical_urgent});
    const json tests = read_schema(test_schema_path);
    CHECK(words(tests["definitions"]["step"]["properties"]["traps"]["anyOf"][0]["enum"]) == traps);
}
