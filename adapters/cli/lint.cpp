#include <filesystem>

#include "commands.hpp"
#include "reframe/loader.hpp"

namespace reframe::cli {

int run_lint(const std::vector<std::string>& paths, std::ostream& out) {
    int status = 0;
    for (const auto& path : paths) {
        std::error_code ec;
        auto loaded = std::filesystem::is_directory(path, ec) ? load_flow_dir(path)
                                                              : load_flow_files({std::filesystem::path{path}});
        if (!loaded) {
            for (const auto& d : loaded.error()) out << d.to_string() << '\n';
            status = 1;
            continue;
        }
        for (const auto& w : loaded->warnings) out << w.to_string() << '\n';
    }
    return status;
}

}  // namespace reframe::cli
