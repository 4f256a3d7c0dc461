#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "temp_dir.hpp"
#include "yaml_documents.hpp"
#include "yaml_source.hpp"

namespace fs = std::filesystem;
using reframe::loader_detail::load_all_documents;

namespace {

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool same_mark(const YAML::Mark& a, const YAML::Mark& b) {
    return a.pos == b.pos && a.line == b.line && a.column == b.column;
}

/// The two trees are equal: types, tags, styles, scalars, marks, in the same order.
void check_same_tree(const YAML::Node& a, const YAML::Node& b) {
    REQUIRE(a.Type() == b.Type());
    CHECK(a.Tag() == b.Tag());
    CHECK(a.Style() == b.Style());
    CHECK(same_mark(a.Mark(), b.Mark()));
    if (a.IsScalar()) CHECK(a.Scalar() == b.Scalar());
    REQUIRE(a.size() == b.size());
    if (a.IsSequence()) {
        for (std::size_t i = 0; i < a.size(); ++i) check_same_tree(a[i], b[i]);
    } else if (a.IsMap()) {
        auto it = b.begin();
        for (const auto& pair : a) {
            check_same_tree(pair.first, it->first);
            check_same_tree(pair.second, it->second);
            ++it;
        }
    }
}

bool is_stuck_message(const YAML::ParserException& e) { return e.msg.starts_with("nothing here can start"); }

}  // namespace

TEST_CASE("documents are built as LoadAll builds them, for every YAML file of the project", "[loader][yaml]") {
    std::vector<fs::path> files;
    for (const char* folder : {"dialogues", "tests/fixtures", "tests/golden"}) {
        const fs::path root = fs::path(REFRAME_SOURCE_DIR) / folder;
        if (!fs::exists(root)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(root)) {
            const auto ext = entry.path().extension();
            if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
        }
    }
    REQUIRE(files.size() > 50);
    std::size_t compared = 0;
    for (const auto& path : files) {
        INFO(path.string());
        const std::string text = read_all(path);
        std::vector<YAML::Node> ours;
        try {
            ours = load_all_documents(text);
        } catch (const YAML::ParserException& e) {
            if (is_stuck_message(e)) continue;  // YAML::LoadAll would never return
            CHECK_THROWS_AS(YAML::LoadAll(text), YAML::ParserException);
            continue;
        }
        const auto theirs = YAML::LoadAll(text);
        REQUIRE(ours.size() == theirs.size());
        for (std::size_t i = 0; i < ours.size(); ++i) check_same_tree(ours[i], theirs[i]);
        ++compared;
    }
    CHECK(compared > 50);
}

TEST_CASE("documents: several, none, anchors and aliases", "[loader][yaml]") {
    CHECK(load_all_documents("").empty());
    CHECK(load_all_documents("# only a comment\n").empty());
    const auto two = load_all_documents("a: 1\n---\n- b\n- c\n");
    REQUIRE(two.size() == 2);
    CHECK(two[0]["a"].as<int>() == 1);
    CHECK(two[1][1].Scalar() == "c");
    CHECK(two[1].Mark().line == 2);
    const auto shared = load_all_documents("a: &x {k: 1}\nb: *x\nc: ~\n");
    REQUIRE(shared.size() == 1);
    CHECK(shared[0]["b"].is(shared[0]["a"]));
    CHECK(shared[0]["b"]["k"].as<int>() == 1);
    CHECK(shared[0]["c"].IsNull());
    check_same_tree(shared[0], YAML::Load("a: &x {k: 1}\nb: *x\nc: ~\n"));
}

TEST_CASE("a document that cannot start stops the parse instead of looping", "[loader][yaml][fuzz]") {
    // yaml-cpp 0.7's LoadAll loops forever on these (jbeder/yaml-cpp#1040).
    for (const std::string text : {",\n", " , a: b\n", "flow: main\n---\n,\n", "\"a\", b\n", "[a], b\n"}) {
        INFO(text);
        try {
            load_all_documents(text);
            FAIL("no exception");
        } catch (const YAML::ParserException& e) {
            CHECK(is_stuck_message(e));
        }
    }
    CHECK_THROWS_AS(load_all_documents("a: [1, 2\n"), YAML::ParserException);
}

TEST_CASE("files parsed ahead on another thread come back in order, as parsed one by one", "[loader][yaml]") {
    reframe::testing::TempDir folder;
    std::vector<fs::path> paths;
    for (int i = 0; i < 40; ++i) {
        // Every third file is broken, every fifth has a tab: each keeps its own diagnostics.
        std::string text = "flow: f" + std::to_string(i) + "\nstates:\n  s:\n    say: \"hi\"\n";
        if (i % 3 == 0) text += "  t: [unclosed\n";
        if (i % 5 == 0) text += "\tx: 1\n";
        const std::string name = "f" + std::to_string(100 + i) + ".yaml";
        folder.write(name, text);
        paths.push_back(folder.path() / name);
    }
    paths.push_back(folder.path() / "missing.yaml");
    reframe::loader_detail::YamlFiles files(paths);
    REQUIRE(files.size() == paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
        INFO(paths[i].string());
        auto ahead = files.take(i);
        reframe::Diagnostics alone_diagnostics;
        const auto alone = reframe::loader_detail::read_yaml_file(paths[i], alone_diagnostics);
        REQUIRE(ahead.file.has_value() == alone.has_value());
        REQUIRE(ahead.diagnostics.size() == alone_diagnostics.size());
        for (std::size_t d = 0; d < alone_diagnostics.size(); ++d) {
            CHECK(ahead.diagnostics[d].to_string() == alone_diagnostics[d].to_string());
        }
        if (alone) {
            CHECK(ahead.file->path == alone->path);
            REQUIRE(ahead.file->documents.size() == alone->documents.size());
            check_same_tree(ahead.file->documents.front(), alone->documents.front());
        }
    }
}

TEST_CASE("files parsed ahead may be abandoned half way", "[loader][yaml]") {
    reframe::testing::TempDir folder;
    std::vector<fs::path> paths;
    for (int i = 0; i < 20; ++i) {
        const std::string name = "f" + std::to_string(i) + ".yaml";
        folder.write(name, "flow: f\n");
        paths.push_back(folder.path() / name);
    }
    reframe::loader_detail::YamlFiles files(paths);
    CHECK(files.take(0).file.has_value());
    // The destructor stops the helper and joins it (a sanitizer build would see a leak or race).
}
