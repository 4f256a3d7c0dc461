#include "questionnaire_parser.hpp"

#include <set>

#include "flow_parser.hpp"
#include "loader_codes.hpp"
#include "say_parser.hpp"

namespace reframe::loader_detail {
namespace {

constexpr std::size_t max_scale_points = 11;

struct Item {
    std::string id;
    Template text;
    bool reverse = false;
    SourceLocation where;
};

/// A literal template (the scale values and fixed texts the builder writes itself).
Template literal(const std::string& text) {
    auto compiled = Template::compile(text);
    return compiled ? std::move(*compiled) : Template{};
}

std::optional<Item> read_item(const YAML::Node& node, const SourceLocation& list_at, FileContext& ctx,
                              std::set<std::string>& ids) {
    const SourceLocation where = ctx.at(node, list_at);
    auto fields = read_fields(node, where, ctx, KeyRules{"questionnaire item", Mapping::questionnaire_item, {}});
    if (!fields) return std::nullopt;
    const Field* id = fields->get("id");
    const Field* text = fields->get("text");
    if (!id || !text) {
        ctx.error(code::missing_key, where, "a questionnaire item needs an `id` and a `text`",
                  "write `- id: short_name` and `text: \"the statement\"`");
        return std::nullopt;
    }
    Item item;
    item.where = where;
    auto name = read_text(*id, ctx);
    if (!name || !check_name(*name, value_at(*id, ctx), ctx, "item")) return std::nullopt;
    if (!ids.insert(*name).second) {
        ctx.error(code::duplicate_key, value_at(*id, ctx), "item '" + *name + "' is already in this questionnaire",
                  "give every item its own id");
        return std::nullopt;
    }
    item.id = *name;
    if (!text->value.IsScalar()) {
        wrong_type(*text, ctx, "a text");
        return std::nullopt;
    }
    auto compiled = compile_template(text->value, ctx);
    if (!compiled) return std::nullopt;
    item.text = std::move(*compiled);
    if (const Field* reverse = fields->get("reverse")) {
        auto flag = read_bool(*reverse, ctx);
        if (!flag) return std::nullopt;
        item.reverse = *flag;
    }
    return item;
}

/// The rules of one item's state: each scale point as an option, then a re-ask.
State item_state(const std::string& q, const std::vector<Item>& items, std::size_t i,
                 const std::vector<Template>& scale, const std::optional<Template>& intro,
                 const std::vector<Template>& done, const Scoring& scoring) {
    const Item& item = items[i];
    State state;
    state.id = "item_" + item.id;
    state.where = item.where;
    std::vector<Template> first;
    if (i == 0 && intro) first.push_back(*intro);
    first.push_back(item.text);
    state.say.push_back(std::move(first));
    state.options = scale;
    const bool last = i + 1 == items.size();
    const std::string var = q + "." + item.id;
    for (std::size_t point = 0; point < scale.size(); ++point) {
        Transition rule;
        rule.option = point;
        rule.where = item.where;
        const std::size_t value = item.reverse ? scale.size() - point : point + 1;
        rule.set.push_back(Assignment{var, literal(std::to_string(value))});
        rule.record.push_back(Assignment{var, literal(std::to_string(value))});
        rule.label = "option " + std::to_string(point + 1) + " -> " + var + " = " + std::to_string(value);
        if (last) {
            rule.score = scoring;
            if (!done.empty()) rule.say.push_back(done);
            rule.target.kind = Target::Kind::ret;
        } else {
            rule.target.kind = Target::Kind::go;
            rule.target.flow = q;
            rule.target.state = "item_" + items[i + 1].id;
        }
        rule.target.where = item.where;
        state.on.push_back(std::move(rule));
    }
    Transition again;
    again.always = true;
    again.where = item.where;
    again.say.push_back({literal("To keep it simple, please choose one of the answers: a number from 1 to " +
                                 std::to_string(scale.size()) + ", or its words. You can say \"stop\" to leave.")});
    again.target.kind = Target::Kind::stay;
    again.target.flow = q;
    again.target.where = item.where;
    state.fallback = std::move(again);
    return state;
}

}  // namespace

void parse_questionnaire(const Fields& document, FileContext& ctx) {
    const Field* name = document.get("questionnaire");
    if (!name) return;
    if (document.has("flow")) {
        ctx.error(code::bad_value, ctx.at(name->key), "a document is either a flow or a questionnaire, not both",
                  "put the questionnaire in a file of its own");
        return;
    }
    auto id = read_text(*name, ctx);
    if (!id || !check_name(*id, value_at(*name, ctx), ctx, "questionnaire")) return;
    const std::string q = *id;
    const SourceLocation where = value_at(*name, ctx);
    const Field* scale_field = document.get("scale");
    const Field* items_field = document.get("items");
    if (!scale_field || !items_field) {
        ctx.error(code::missing_key, where, "questionnaire '" + q + "' needs a `scale` and `items`",
                  "`scale:` lists the answers in order (they score 1, 2, 3, …); `items:` the statements");
        return;
    }
    auto scale = read_templates(*scale_field, ctx);
    if (!scale) return;
    if (scale->size() < 2 || scale->size() > max_scale_points) {
        ctx.error(code::bad_value, value_at(*scale_field, ctx),
                  "a scale has " + std::to_string(scale->size()) + " answer(s)",
                  "give between 2 and " + std::to_string(max_scale_points) + " answers, lowest first");
        return;
    }
    if (!items_field->value.IsSequence() || items_field->value.size() == 0) {
        wrong_type(*items_field, ctx, "a list of items, each `- id: …` with `text: …`");
        return;
    }
    std::vector<Item> items;
    std::set<std::string> ids;
    bool ok = true;
    for (const auto& node : items_field->value) {
        auto item = read_item(node, value_at(*items_field, ctx), ctx, ids);
        if (item) items.push_back(std::move(*item));
        ok = ok && item.has_value();
    }
    std::optional<Template> intro;
    if (const Field* f = document.get("intro")) {
        if (auto t = read_templates(*f, ctx); t && !t->empty()) intro = t->front();
    }
    std::vector<Template> done;
    if (const Field* f = document.get("done")) {
        if (auto t = read_templates(*f, ctx)) done = std::move(*t);
    }
    if (!ok) return;

    LoadState& state = ctx.state();
    Scoring scoring{q, {}};
    for (const auto& item : items) {
        scoring.item_vars.push_back(q + "." + item.id);
        state.declared_vars.insert(q + "." + item.id);
        state.measure_names.insert(q + "." + item.id);
    }
    state.declared_vars.insert(q + ".score");
    state.measure_names.insert(q);

    Flow flow;
    flow.id = q;
    flow.where = where;
    if (const Field* d = document.get("description")) flow.description = read_text(*d, ctx).value_or("");
    flow.tags = {"questionnaire"};
    flow.start = "item_" + items.front().id;
    for (std::size_t i = 0; i < items.size(); ++i) {
        flow.state_index["item_" + items[i].id] = flow.states.size();
        flow.states.push_back(item_state(q, items, i, *scale, intro, done, scoring));
    }
    add_flow(std::move(flow), ctx);
}

}  // namespace reframe::loader_detail
