#include "flow_reloader.hpp"

#include <algorithm>
#include <system_error>

#include <spdlog/logger.h>

#include "reframe/loader.hpp"

namespace reframe::reload {
namespace fs = std::filesystem;

FolderStamp stamp_folder(const fs::path& dir) {
    FolderStamp stamp;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        const bool hidden = !path.filename().empty() && path.filename().string().front() == '.';
        if (it->is_directory(ec)) {
            if (hidden) it.disable_recursion_pending();
            continue;
        }
        if (hidden || !it->is_regular_file(ec)) continue;
        FolderStamp::File file;
        file.path = path.string();
        file.size = it->file_size(ec);
        file.modified = static_cast<std::int64_t>(it->last_write_time(ec).time_since_epoch().count());
        stamp.files.push_back(std::move(file));
    }
    std::sort(stamp.files.begin(), stamp.files.end(),
              [](const FolderStamp::File& a, const FolderStamp::File& b) { return a.path < b.path; });
    return stamp;
}

FlowReloader::FlowReloader(Engine& engine, fs::path flows_dir, std::shared_ptr<spdlog::logger> logger)
    : engine_(engine),
      dir_(std::move(flows_dir)),
      logger_(logger ? std::move(logger) : std::make_shared<spdlog::logger>("reframe-reload")) {}

FlowReloader::~FlowReloader() { stop(); }

ReloadOutcome FlowReloader::reload_now() {
    std::lock_guard lock(reload_mutex_);
    ReloadOutcome outcome;
    outcome.version = engine_.flows()->version;
    auto loaded = load_flow_dir(dir_);
    if (!loaded) {
        for (const auto& d : loaded.error()) outcome.diagnostics.push_back(d.to_string());
        logger_->error("reload of {} rejected: {} problem(s); still serving version {}", dir_.string(),
                       outcome.diagnostics.size(), outcome.version);
        for (const auto& line : outcome.diagnostics) logger_->error("{}", line);
        outcome.changed = true;
        return outcome;
    }
    for (const auto& w : loaded->warnings) outcome.diagnostics.push_back(w.to_string());
    if (loaded->flows->version == outcome.version) {
        outcome.accepted = true;
        logger_->debug("reload of {}: nothing changed (version {})", dir_.string(), outcome.version);
        return outcome;
    }
    outcome.changed = true;
    if (auto swapped = engine_.reload(loaded->flows); !swapped) {
        outcome.diagnostics.push_back(dir_.string() + ": error: " + swapped.error().message);
        logger_->error("reload of {} rejected: {}; still serving version {}", dir_.string(), swapped.error().message,
                       outcome.version);
        return outcome;
    }
    for (const auto& line : outcome.diagnostics) logger_->warn("{}", line);
    logger_->info("reloaded {}: version {} replaces {}", dir_.string(), loaded->flows->version, outcome.version);
    outcome.accepted = true;
    outcome.version = loaded->flows->version;
    return outcome;
}

void FlowReloader::watch(std::chrono::milliseconds interval) {
    std::lock_guard lock(watch_mutex_);
    if (watcher_.joinable() || stopping_) return;
    // Stamped here, not in the thread: a change made right after watch() returns is seen.
    watcher_ =
        std::thread([this, interval, seen = stamp_folder(dir_)]() mutable { watch_loop(interval, std::move(seen)); });
}

void FlowReloader::stop() {
    {
        std::lock_guard lock(watch_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (watcher_.joinable() && watcher_.get_id() != std::this_thread::get_id()) watcher_.join();
}

void FlowReloader::watch_loop(std::chrono::milliseconds interval, FolderStamp seen) {
    // A change made between loading the serving set and watch() would be missed otherwise;
    // when nothing changed this swaps nothing.
    reload_now();
    FolderStamp pending = seen;  // `seen`: what the serving set was loaded from, or the last attempt
    std::unique_lock lock(watch_mutex_);
    while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
        lock.unlock();
        FolderStamp now = stamp_folder(dir_);
        if (now == seen) {
            pending = std::move(now);
        } else if (now == pending) {
            // The change held still for a whole interval: the editor has finished saving.
            reload_now();
            seen = std::move(now);
        } else {
            pending = std::move(now);
        }
        lock.lock();
    }
}

}  // namespace reframe::reload
