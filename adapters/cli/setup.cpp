#include "setup.hpp"

#include <cstdlib>
#include <filesystem>

#include "paths.hpp"
#include "reframe/loader.hpp"

namespace reframe::cli {

std::shared_ptr<const FlowSet> load_flows_or_report(const std::string& dir, std::ostream& err) {
    const std::filesystem::path path = dir.empty() ? default_flows_dir() : std::filesystem::path{dir};
    auto loaded = load_flow_dir(path);
    if (!loaded) {
        for (const auto& d : loaded.error()) err << d.to_string() << '\n';
        err << "reframe: error: could not load the flows in " << path.string() << '\n';
        return nullptr;
    }
    for (const auto& w : loaded->warnings) err << w.to_string() << '\n';
    return loaded->flows;
}

std::optional<std::string> choose_locale(const FlowSet& flows, std::string locale, std::ostream& err) {
    if (locale.empty()) {
        if (const char* env = std::getenv("REFRAME_LOCALE")) locale = env;
    }
    if (locale.empty() || flows.resources.locales.contains(locale)) return locale;
    std::string known;
    for (const auto& entry : flows.resources.locales) known += (known.empty() ? "" : ", ") + entry.first;
    err << "reframe: error: unknown locale '" << locale << "'"
        << (known.empty() ? std::string{": the flows give no resources"} : "; the locales are: " + known) << '\n';
    return std::nullopt;
}

std::unique_ptr<Engine> make_engine(const EngineSetup& setup, std::ostream& err) {
    auto flows = load_flows_or_report(setup.flows_dir, err);
    if (!flows) return nullptr;
    EngineOptions options;
    if (auto locale = choose_locale(*flows, setup.locale, err)) {
        options.locale = std::move(*locale);
    } else {
        return nullptr;
    }
    StoreOptions store_options;
    store_options.path = setup.db_path.empty() ? default_db_path() : setup.db_path;
    auto store = open_session_store(store_options);
    if (!store) {
        err << "reframe: error: cannot open the database " << store_options.path << ": " << store.error().message
            << '\n';
        return nullptr;
    }
    return std::make_unique<Engine>(std::move(flows), std::move(*store), options);
}

}  // namespace reframe::cli
