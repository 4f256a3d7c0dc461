// libFuzzer harness: the input is one YAML flow file. It is written as main.yaml into a
// per-process scratch folder next to a fixed settings.yaml and lexicons/x.txt, and the
// folder is loaded. Any input must give either a FlowSet or diagnostics: never a crash,
// a sanitizer report, an uncaught exception or a hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

#include "reframe/loader.hpp"

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const char* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data, static_cast<std::streamsize>(size));
    if (!out) __builtin_trap();  // the harness itself is broken, not the engine
}

const fs::path& scratch() {
    static const fs::path dir = [] {
        const fs::path path = fs::temp_directory_path() / ("reframe-fuzz-loader-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path / "lexicons");
        const std::string settings = "settings:\n  entry: main\n  fallback: [\"hm\"]\n";
        write_file(path / "settings.yaml", settings.data(), settings.size());
        const std::string lexicon = "lazy\nworn out\nuseless\n";
        write_file(path / "lexicons" / "x.txt", lexicon.data(), lexicon.size());
        std::atexit([] {
            std::error_code ignored;
            fs::remove_all(scratch(), ignored);
        });
        return path;
    }();
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path& dir = scratch();
    write_file(dir / "main.yaml", reinterpret_cast<const char*>(data), size);
    const auto result = reframe::load_flow_dir(dir);
    if (result.has_value() && result->flows == nullptr) __builtin_trap();
    if (!result.has_value() && result.error().empty()) __builtin_trap();  // a failure says why
    return 0;
}
