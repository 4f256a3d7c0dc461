#include "paths.hpp"

#include <cstdlib>
#include <system_error>

#include <unistd.h>

namespace reframe::cli {
namespace fs = std::filesystem;
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string{value} : std::string{};
}

fs::path executable_dir() {
    std::error_code ec;
    const auto self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path{} : self.parent_path();
}

}  // namespace

fs::path default_flows_dir() {
    if (auto flows = env("REFRAME_FLOWS"); !flows.empty()) return flows;
    std::error_code ec;
    if (const auto dir = executable_dir(); !dir.empty()) {
        const auto installed = dir / ".." / "share" / "reframe" / "dialogues";
        if (fs::is_directory(installed, ec)) return fs::weakly_canonical(installed, ec);
    }
    return fs::path{REFRAME_SOURCE_DIR} / "dialogues";
}

std::string default_db_path() {
    if (auto db = env("REFRAME_DB"); !db.empty()) return db;
    if (auto dir = env("REFRAME_DATA_DIR"); !dir.empty()) return (fs::path{dir} / "reframe.db").string();
    if (auto xdg = env("XDG_DATA_HOME"); !xdg.empty()) return (fs::path{xdg} / "reframe" / "reframe.db").string();
    if (auto home = env("HOME"); !home.empty()) {
        return (fs::path{home} / ".local" / "share" / "reframe" / "reframe.db").string();
    }
    return (fs::path{"reframe-data"} / "reframe.db").string();
}

}  // namespace reframe::cli
