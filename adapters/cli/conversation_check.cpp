#include "conversation_check.hpp"

#include <algorithm>

#include <re2/re2.h>

namespace reframe::cli {
namespace {

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

/// The reply's messages, one per line, as the contains/matches checks see them.
std::string reply_text(const Reply& reply) {
    std::string text;
    for (const auto& m : reply.messages) text += (text.empty() ? "" : "\n") + m;
    return text;
}

bool has(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

std::string or_none(const std::string& value) { return value.empty() ? "null" : value; }

/// `want` must all be in `got`; an empty `want` means `got` must be empty.
void check_includes(const char* field, const std::vector<std::string>& want, const std::vector<std::string>& got,
                    std::vector<Mismatch>& out) {
    if (want.empty()) {
        if (!got.empty()) out.push_back({field, "none", list_text(got)});
        return;
    }
    std::vector<std::string> missing;
    for (const auto& item : want) {
        if (!has(got, item)) missing.push_back(item);
    }
    if (!missing.empty()) out.push_back({field, "includes " + list_text(missing), list_text(got)});
}

void check_text(const StepExpect& expect, const Reply& reply, std::vector<Mismatch>& out) {
    const std::string text = reply_text(reply);
    for (const auto& s : expect.says) {
        if (text.find(s) == std::string::npos) out.push_back({"says", "contains " + quoted(s), quoted(text)});
    }
    for (const auto& s : expect.not_says) {
        if (text.find(s) != std::string::npos)
            out.push_back({"not_says", "does not contain " + quoted(s), quoted(text)});
    }
    for (const auto& source : expect.matches) {
        const RE2 re(source, RE2::Quiet);
        if (!re.ok() || !RE2::PartialMatch(text, re)) {
            out.push_back({"matches", "matches /" + source + "/", quoted(text)});
        }
    }
    if (expect.reply && *expect.reply != reply.messages) {
        out.push_back({"reply", list_text(*expect.reply), list_text(reply.messages)});
    }
}

void check_options(const StepExpect& expect, const Reply& reply, std::vector<Mismatch>& out) {
    if (expect.options && *expect.options != reply.options) {
        out.push_back({"options", list_text(*expect.options), list_text(reply.options)});
    }
    std::vector<std::string> missing;
    for (const auto& option : expect.options_include) {
        if (!has(reply.options, option)) missing.push_back(option);
    }
    if (!missing.empty())
        out.push_back({"options_include", "includes " + list_text(missing), list_text(reply.options)});
}

}  // namespace

std::string list_text(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& item : items) out += (out.size() > 1 ? ", " : "") + item;
    return out + "]";
}

std::vector<Mismatch> check_step(const StepExpect& expect, const Reply& reply) {
    std::vector<Mismatch> out;
    if (expect.state && *expect.state != reply.state) out.push_back({"state", *expect.state, reply.state});
    if (expect.visits) {
        std::vector<std::string> missing;
        for (const auto& state : *expect.visits) {
            if (!has(reply.visited, state)) missing.push_back(state);
        }
        if (!missing.empty()) out.push_back({"visits", "includes " + list_text(missing), list_text(reply.visited)});
    }
    check_text(expect, reply, out);
    if (expect.intents) check_includes("intents", *expect.intents, reply.intents, out);
    if (expect.traps) check_includes("traps", *expect.traps, reply.traps, out);
    if (expect.safety && *expect.safety != reply.safety) {
        out.push_back({"safety", or_none(*expect.safety), or_none(reply.safety)});
    }
    check_options(expect, reply, out);
    if (expect.error && *expect.error != reply.error) {
        out.push_back({"error", or_none(*expect.error), or_none(reply.error)});
    }
    return out;
}

}  // namespace reframe::cli
