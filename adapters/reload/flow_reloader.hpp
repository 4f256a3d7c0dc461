#pragma once
/// Hot reload for the long-running commands (`serve`, `matrix`): loads a flow folder
/// again — on request (SIGHUP) or when its files change — and swaps it into the engine
/// only when it loads without errors. A rejected set is logged with its diagnostics and
/// the engine keeps answering with the set it had.
///
/// Thread-safety: every member may be called from any thread; reloads run one at a time.
/// The watcher is one background thread that only reads file times and sizes until it
/// sees a change that has settled.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/fwd.h>

#include "reframe/engine.hpp"

namespace reframe::reload {

struct ReloadOutcome {
    bool changed = false;                  // the files make a different version from the one serving
    bool accepted = false;                 // the engine now serves `version` (also true when nothing changed)
    std::string version;                   // the version serving after this call
    std::vector<std::string> diagnostics;  // `file:line:col: error|warning: …` lines found while loading
};

/// What the watcher compares: every file's path, modification time and size.
struct FolderStamp {
    struct File {
        std::string path;
        std::int64_t modified = 0;
        std::uintmax_t size = 0;
        bool operator==(const File&) const = default;
    };
    std::vector<File> files;
    bool operator==(const FolderStamp&) const = default;
};

/// The stamp of `dir` now: its files, recursively, hidden folders skipped, sorted by path.
FolderStamp stamp_folder(const std::filesystem::path& dir);

class FlowReloader {
public:
    /// `logger` gets one line per reload (and the diagnostics of a rejected one); null: none.
    FlowReloader(Engine& engine, std::filesystem::path flows_dir, std::shared_ptr<spdlog::logger> logger);
    ~FlowReloader();
    FlowReloader(const FlowReloader&) = delete;
    FlowReloader& operator=(const FlowReloader&) = delete;

    /// Loads and checks the folder now; swaps it in when it has no errors and differs from
    /// the set serving.
    ReloadOutcome reload_now();

    /// Starts a background thread that looks at the folder every `interval` and reloads
    /// once a change has held still for one interval (editors save in several steps).
    /// Calling it again changes nothing.
    void watch(std::chrono::milliseconds interval);

    /// Stops the watcher (waits for a reload in progress); the destructor calls it.
    void stop();

private:
    void watch_loop(std::chrono::milliseconds interval, FolderStamp seen);

    Engine& engine_;
    std::filesystem::path dir_;
    std::shared_ptr<spdlog::logger> logger_;
    std::mutex reload_mutex_;  // one reload at a time
    std::mutex watch_mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread watcher_;
};

}  // namespace reframe::reload
