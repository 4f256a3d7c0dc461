// `reframe data export|forget|purge`: an operator answers a person's data request, or runs
// the retention purge from cron. The engine's own rules do the work; this only reports.
#include <iostream>

#include "commands.hpp"

namespace reframe::cli {

int run_data_export(Engine& engine, const std::string& user, std::ostream& out, std::ostream& err) {
    auto exported = engine.export_data(user);
    if (!exported) {
        err << "reframe: error: " << exported.error().message << '\n';
        return 1;
    }
    out << *exported << '\n';
    return 0;
}

int run_data_forget(Engine& engine, const std::string& user, bool confirmed, std::ostream& out, std::ostream& err) {
    if (!confirmed) {
        err << "reframe: error: forgetting a person cannot be undone; add --yes to erase every row about '" << user
            << "'\n";
        return 2;
    }
    auto erased = engine.forget(user);
    if (!erased) {
        err << "reframe: error: " << erased.error().message << '\n';
        return 1;
    }
    out << (*erased ? "erased everything stored about '" + user + "'" : "nothing was stored about '" + user + "'")
        << '\n';
    return 0;
}

int run_data_purge(Engine& engine, std::ostream& out, std::ostream& err) {
    auto purged = engine.purge_expired();
    if (!purged) {
        err << "reframe: error: " << purged.error().message << '\n';
        return 1;
    }
    out << "purged " << *purged << " transcript line(s) older than " << engine.flows()->transcript_days << " day(s)\n";
    return 0;
}

}  // namespace reframe::cli
