// `reframe graph`: the picture's structure, its escaping, Graphviz rendering of every
// bundled flow, and bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "bundled.hpp"
#include "cli_runner.hpp"
#include "flow_graph.hpp"
#include "reframe/loader.hpp"

using namespace reframe;
using namespace reframe::testing;

namespace {

std::shared_ptr<const FlowSet> authoring_flows() {
    auto loaded = load_flow_dir(fixture("authoring"));
    if (!loaded) {
        for (const auto& d : loaded.error()) UNSCOPED_INFO(d.to_string());
    }
    REQUIRE(loaded);
    return loaded->flows;
}

const graph::Edge* edge(const graph::Graph& g, const std::string& from, const std::string& to) {
    const auto it = std::find_if(g.edges.begin(), g.edges.end(),
                                 [&](const graph::Edge& e) { return e.from == from && e.to == to; });
    return it == g.edges.end() ? nullptr : &*it;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Quotes, brackets and braces of dot or Mermaid source balance (outside quoted strings).
bool balanced(const std::string& text, bool backslash_escapes) {
    std::string open;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (backslash_escapes && c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
            continue;
        }
        if (c == '"') quoted = true;
        if (c == '{' || c == '[' || c == '(') open += c;
        if (c == '}' || c == ']' || c == ')') {
            const char want = c == '}' ? '{' : c == ']' ? '[' : '(';
            if (open.empty() || open.back() != want) return false;
            open.pop_back();
        }
    }
    return !quoted && open.empty();
}

bool have_dot() { return std::system("command -v dot > /dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("graph: states are nodes with their first words, the start and ends marked", "[graph]") {
    const auto g = graph::build_graph(*authoring_flows(), {"main"});
    const graph::Node* listen = g.find("s_main__listen");
    REQUIRE(listen != nullptr);
    CHECK(listen->is_start);
    CHECK(listen->title == "listen");
    CHECK(listen->detail == "Hi \"friend\" {{a|b}} — café déjà …");
    REQUIRE(g.find("s_main__done") != nullptr);
    CHECK(g.find("s_main__done")->kind == graph::NodeKind::end_state);
    CHECK(g.find("s_main__label")->kind == graph::NodeKind::state);
    CHECK(edge(g, "start_main", "s_main__listen") != nullptr);
    // Only the flows the file defines are drawn as states; others appear as external nodes.
    CHECK(g.find("s_help__info") == nullptr);
    REQUIRE(g.find("x_help__info") != nullptr);
    CHECK(g.find("x_help__info")->kind == graph::NodeKind::external);
}

TEST_CASE("graph: edges say what fires them", "[graph]") {
    const auto g = graph::build_graph(*authoring_flows(), {"main"});
    const auto* greeting = edge(g, "s_main__listen", "s_main__listen");
    REQUIRE(greeting != nullptr);
    CHECK(greeting->label == "intent greeting");
    const auto* option = edge(g, "s_main__listen", "s_main__low");
    REQUIRE(option != nullptr);
    CHECK(option->label == "option 2 \"Not \"great\"\"");
    CHECK(edge(g, "s_main__listen", "s_main__label")->label == "tag labeling");
    CHECK(edge(g, "s_main__listen", "s_main__feeling")->label == "pattern \"i feel *feeling because *reason\"");
    CHECK(edge(g, "s_main__humanity", "s_main__done")->label == "intent yes");
    const auto* back = edge(g, "s_main__humanity", "ret_main");
    REQUIRE(back != nullptr);
    CHECK(back->kind == graph::EdgeKind::back);
    CHECK(back->label == "if mood == low");
    const auto* next = edge(g, "s_main__label", "s_main__humanity");
    REQUIRE(next != nullptr);
    CHECK(next->kind == graph::EdgeKind::next);
    const auto fallback = std::find_if(g.edges.begin(), g.edges.end(), [](const graph::Edge& e) {
        return e.from == "s_main__listen" && e.kind == graph::EdgeKind::fallback;
    });
    REQUIRE(fallback != g.edges.end());
    CHECK(fallback->to == "s_main__listen");
    CHECK(edge(g, "s_main__low", "rest_main") != nullptr);
}

TEST_CASE("graph: call and goto into other flows, and interrupts, are distinct", "[graph]") {
    const auto g = graph::build_graph(*authoring_flows(), {"main"});
    // `call: help` and `goto: help.info` both lead to help's start state.
    const auto calls = std::count_if(g.edges.begin(), g.edges.end(), [](const graph::Edge& e) {
        return e.to == "x_help__info" && e.kind == graph::EdgeKind::call;
    });
    const auto leaves = std::count_if(g.edges.begin(), g.edges.end(), [](const graph::Edge& e) {
        return e.to == "x_help__info" && e.kind == graph::EdgeKind::leave;
    });
    CHECK(calls == 1);
    CHECK(leaves == 1);
    const graph::Node* crisis = g.find("i_crisis");
    REQUIRE(crisis != nullptr);
    CHECK(crisis->kind == graph::NodeKind::safety_interrupt);
    CHECK(g.find("i_help")->kind == graph::NodeKind::interrupt);
    // Into flows not drawn, where an interrupt leads is written in its box; into drawn
    // flows it is an arrow.
    CHECK(crisis->detail == "safety: crisis, always first\ntag crisis\nthen: call safety.crisis");
    CHECK(edge(g, "i_crisis", "x_safety__crisis") == nullptr);
    const auto both = graph::build_graph(*authoring_flows(), {"main", "safety"});
    const auto* to_safety = edge(both, "i_crisis", "s_safety__crisis");
    REQUIRE(to_safety != nullptr);
    CHECK(to_safety->safety);
    CHECK(to_safety->kind == graph::EdgeKind::interrupt);
    const auto without = graph::build_graph(*authoring_flows(), {"main"}, {false, true});
    CHECK(without.find("i_crisis") == nullptr);
}

TEST_CASE("graph: dot output styles and escapes", "[graph]") {
    const auto dot = graph::to_dot(graph::build_graph(*authoring_flows(), {"main"}));
    CHECK(contains(dot, "digraph \"reframe\" {"));
    CHECK(contains(dot, "subgraph \"cluster_flow_main\""));
    // Quotes escaped, braces and | kept inside the quoted label, UTF-8 kept, newline as \n.
    CHECK(contains(dot, R"("s_main__listen" [label="listen\nHi \"friend\" {{a|b}} — café déjà …")"));
    CHECK(contains(dot, R"(style="rounded,bold")"));  // the start state
    CHECK(contains(dot, "peripheries=2"));            // end states
    CHECK(contains(dot, R"("i_crisis" [label="interrupt crisis\nsafety: crisis, always first\ntag crisis\n)"
                        R"(then: call safety.crisis", shape=octagon, style="filled,bold", fillcolor="#f4cccc", )"
                        R"(color="#cc0000")"));
    const auto both = graph::to_dot(graph::build_graph(*authoring_flows(), {"main", "safety"}));
    CHECK(contains(both, R"("i_crisis" -> "s_safety__crisis" [label="call", color="#cc0000")"));
    CHECK(contains(dot, R"(label="option 2 \"Not \\"great\\"\"")") == false);  // not double-escaped
    CHECK(contains(dot, R"(label="option 2 \"Not \"great\"\"")"));
    CHECK(contains(dot, "subgraph \"cluster_legend\""));
    CHECK(balanced(dot, true));
}

TEST_CASE("graph: escaping for dot and Mermaid", "[graph]") {
    CHECK(graph::escape_dot("a \"b\" \\c\nd\x01") == "a \\\"b\\\" \\\\c\\nd");
    CHECK(graph::escape_mermaid("a \"b\" {c|d} <e> & #f `g`\nh") ==
          "a #quot;b#quot; {c#124;d} #lt;e#gt; #amp; #35;f #96;g#96;<br/>h");
    CHECK(graph::shorten("  one   two\nthree ", 100) == "one two three");
    CHECK(graph::shorten("déjà vu", 3) == "déj…");  // never inside a character
    CHECK(graph::shorten("ééééé", 2) == "éé…");
}

TEST_CASE("graph: Mermaid output is balanced, with valid ids and no raw quotes in labels", "[graph]") {
    const auto mermaid = graph::to_mermaid(graph::build_graph(*authoring_flows(), {"main", "help"}));
    CHECK(contains(mermaid, "flowchart TB"));
    CHECK(contains(mermaid, "s_main__listen(\"listen<br/>Hi #quot;friend#quot; {{a#124;b}} — café déjà …\")"));
    CHECK(contains(mermaid, "class s_main__listen startState"));
    CHECK(contains(mermaid, "class i_crisis safety"));
    CHECK(contains(mermaid, "s_main__listen -.->|\"call, then back here\"|") == false);
    CHECK(contains(mermaid, "|\"pattern #quot;go deep#quot;<br/>call, then back here\"| s_help__info"));
    CHECK(balanced(mermaid, false));
    // Every node id and edge end is a plain identifier that is not a Mermaid keyword.
    const std::regex edge_line(R"(^  (\S+) (-->|-\.->|==>)(\|"[^"]*"\|)? (\S+)$)");
    const std::regex id(R"(^[A-Za-z][A-Za-z0-9_]*$)");
    std::istringstream lines(mermaid);
    int edges = 0;
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (!std::regex_match(line, m, edge_line)) continue;
        ++edges;
        INFO(line);
        CHECK(std::regex_match(m[1].str(), id));
        CHECK(std::regex_match(m[4].str(), id));
        CHECK(m[1].str() != "end");
    }
    CHECK(edges > 15);
}

TEST_CASE("graph: every bundled flow gives balanced Mermaid with valid ids", "[graph]") {
    const auto flows = reframe::testing::bundled();
    const std::regex node_id(R"(^    ([A-Za-z][A-Za-z0-9_]*)[\(\[\{])");
    for (const auto& flow : flows->flows) {
        INFO(flow.id);
        const auto mermaid = graph::to_mermaid(graph::build_graph(*flows, {flow.id}));
        CHECK(balanced(mermaid, false));
        std::istringstream lines(mermaid);
        int nodes = 0;
        for (std::string line; std::getline(lines, line);) {
            std::smatch m;
            if (std::regex_search(line, m, node_id)) ++nodes;
            // A label never holds a raw quote: it would end the label early.
            const auto open = line.find("[\"");
            if (open == std::string::npos) continue;
            const auto close = line.rfind("\"]");
            if (close != std::string::npos && close > open + 1) {
                CHECK(line.substr(open + 2, close - open - 2).find('"') == std::string::npos);
            }
        }
        CHECK(nodes >= static_cast<int>(flow.states.size()));
    }
}

TEST_CASE("graph: every bundled flow renders with Graphviz without warnings", "[graph][cli]") {
    TempDir dir;
    const std::string flows_dir = std::string{REFRAME_SOURCE_DIR} + "/dialogues/flows";
    const bool dot = have_dot();
    if (!dot) WARN("Graphviz `dot` is not installed: only the dot syntax is checked (CI installs graphviz)");
    int drawn = 0;
    for (const auto& entry : std::filesystem::directory_iterator(flows_dir)) {
        if (entry.path().extension() != ".yaml") continue;
        INFO(entry.path().string());
        const auto out = dir.file("flow.dot").string();
        auto run = run_reframe("graph '" + entry.path().string() + "' -o '" + out + "'", "", dir);
        REQUIRE(run.status == 0);
        const std::string source = slurp(out);
        CHECK(balanced(source, true));
        CHECK(source.rfind("digraph", 0) == 0);
        ++drawn;
        if (!dot) continue;
        const auto err = dir.file("dot.err").string();
        const std::string cmd = "dot -Tsvg '" + out + "' -o '" + dir.file("flow.svg").string() + "' 2> '" + err + "'";
        CHECK(std::system(cmd.c_str()) == 0);
        CHECK(slurp(err).empty());
        CHECK(contains(slurp(dir.file("flow.svg").string()), "<svg"));
    }
    CHECK(drawn >= 19);
}

TEST_CASE("graph: svg, mermaid, a flow by name, and a folder through the binary", "[graph][cli]") {
    TempDir dir;
    const std::string file = fixture("authoring") + "/flows/main.yaml";
    auto mermaid = run_reframe("graph '" + file + "' --format mermaid", "", dir);
    CHECK(mermaid.status == 0);
    CHECK(contains(mermaid.out, "flowchart TB"));
    auto by_name = run_reframe("graph help --flows '" + fixture("authoring") + "'", "", dir);
    CHECK(by_name.status == 0);
    CHECK(contains(by_name.out, "\"s_help__info\""));
    auto folder = run_reframe("graph '" + fixture("authoring") + "' --no-legend", "", dir);
    CHECK(folder.status == 0);
    CHECK(contains(folder.out, "cluster_flow_safety"));
    CHECK(!contains(folder.out, "cluster_legend"));
    if (have_dot()) {
        auto svg = run_reframe("graph '" + file + "' --format svg", "", dir);
        CHECK(svg.status == 0);
        CHECK(contains(svg.out, "<svg"));
    }
    // Without Graphviz on PATH, svg is a clear error.
    const std::string cmd = "PATH=/nonexistent '" + std::string{REFRAME_BINARY} + "' graph '" + file +
                            "' --format svg > /dev/null 2> '" + dir.file("err").string() + "'";
    const int raw = std::system(cmd.c_str());
    CHECK(WEXITSTATUS(raw) == 1);
    CHECK(contains(slurp(dir.file("err").string()),
                   "Graphviz is not installed: apt-get install graphviz, or use --format dot"));
}

TEST_CASE("graph: bad input is a clear error and exit 1", "[graph][cli]") {
    TempDir dir;
    auto missing = run_reframe("graph 'no/such/file.yaml'", "", dir);
    CHECK(missing.status == 1);
    CHECK(contains(missing.err, "no such file: no/such/file.yaml"));
    auto format = run_reframe("graph '" + fixture("authoring") + "/flows/main.yaml' --format png", "", dir);
    CHECK(format.status == 1);
    CHECK(contains(format.err, "unknown format 'png' (use dot, mermaid or svg)"));
    auto name = run_reframe("graph mian --flows '" + fixture("authoring") + "'", "", dir);
    CHECK(name.status == 1);
    CHECK(contains(name.err, "did you mean 'main'?"));
    auto broken = run_reframe("graph '" + fixture("broken/undefined_state") + "/main.yaml'", "", dir);
    CHECK(broken.status == 1);
    CHECK(contains(broken.err, "main.yaml:8:"));
    CHECK(contains(broken.err, "nowhere"));
    CHECK(broken.out.empty());
    auto no_flow = run_reframe("graph '" + fixture("authoring") + "/settings.yaml'", "", dir);
    CHECK(no_flow.status == 1);
    CHECK(contains(no_flow.err, "defines no flow"));
    auto help = run_reframe("graph --help", "", dir);
    CHECK(help.status == 0);
    CHECK(contains(help.out, "--format"));
}
