#include <algorithm>
#include <array>
#include <utility>

#include "reframe/flow.hpp"

namespace reframe {
namespace {

constexpr std::array<std::pair<DataAction, std::string_view>, 4> action_names{{
    {DataAction::grant_transcripts, "grant_transcripts"},
    {DataAction::decline_transcripts, "decline_transcripts"},
    {DataAction::forget_me, "forget_me"},
    {DataAction::export_my_data, "export_my_data"},
}};

}  // namespace

std::string_view data_action_name(DataAction action) {
    for (const auto& [a, name] : action_names) {
        if (a == action) return name;
    }
    return "none";
}

std::optional<DataAction> data_action_named(std::string_view name) {
    for (const auto& [a, n] : action_names) {
        if (n == name) return a;
    }
    return std::nullopt;
}

const std::vector<std::string>& data_action_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& entry : action_names) out.emplace_back(entry.second);
        return out;
    }();
    return names;
}

std::optional<std::string_view> Resources::find(std::string_view locale, std::string_view key) const {
    auto it = locales.find(std::string{locale});
    if (it == locales.end()) it = locales.find(default_locale);
    if (it == locales.end()) return std::nullopt;
    const auto entry = it->second.find(std::string{key});
    if (entry == it->second.end()) return std::nullopt;
    return std::string_view{entry->second};
}

}  // namespace reframe
