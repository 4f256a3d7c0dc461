#pragma once
// Private: reads one file for the loader, with the limits that keep a hostile or broken
// file from hurting the process (size, nesting, alias expansion), and turns every
// problem into a diagnostic with a place.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "reframe/diagnostic.hpp"

namespace reframe::loader_detail {

/// Largest file the loader reads (YAML or lexicon).
inline constexpr std::size_t max_file_bytes = std::size_t{1024} * 1024;
/// Deepest nesting of lists and mappings a flow file may have.
inline constexpr int max_nesting_depth = 64;
/// Most nodes a file may expand to (aliases can repeat a node many times).
inline constexpr std::size_t max_node_count = 200'000;

/// A parsed YAML file: its text (for precise columns) and its documents.
struct YamlFile {
    std::string path;  // as shown in diagnostics
    std::string text;
    std::vector<YAML::Node> documents;
};

/// Reads a whole text file of at most max_file_bytes; nullopt (and a diagnostic) otherwise.
std::optional<std::string> read_text_file(const std::filesystem::path& path, Diagnostics& out);

/// Reports every line whose indentation contains a tab; true when there was none.
bool check_tabs(const std::string& path, const std::string& text, Diagnostics& out);

/// Reads, checks and parses a YAML file; nullopt (and diagnostics) when it cannot be used.
std::optional<YamlFile> read_yaml_file(const std::filesystem::path& path, Diagnostics& out);

/// What read_yaml_file gave for one file.
struct ReadYaml {
    std::optional<YamlFile> file;
    Diagnostics diagnostics;
};

/// read_yaml_file for a list of files, parsed ahead on a helper thread while the caller
/// works on the files taken before (parsing is half of a load's time, and each file is
/// parsed on its own). The caller takes the files in order; a file no thread has started
/// yet is parsed by the caller itself, so it waits only for a file being parsed.
///
/// Thread-safety: one thread calls take(); the helper threads are internal.
class YamlFiles {
public:
    explicit YamlFiles(std::vector<std::filesystem::path> paths);
    ~YamlFiles();  // stops the helpers after the file each is parsing
    YamlFiles(const YamlFiles&) = delete;
    YamlFiles& operator=(const YamlFiles&) = delete;

    std::size_t size() const { return paths_.size(); }
    /// The result for paths[i]; call with i = 0, 1, 2, … Rethrows what parsing threw
    /// (std::bad_alloc).
    ReadYaml take(std::size_t i);

private:
    void parse(std::size_t i);
    bool done(std::size_t i);

    std::vector<std::filesystem::path> paths_;
    std::vector<ReadYaml> results_;
    std::vector<std::exception_ptr> failures_;
    std::atomic<std::size_t> next_{0};  // the next file nobody has claimed
    std::mutex mutex_;
    std::condition_variable finished_;
    std::vector<bool> done_;  // under mutex_
    std::vector<std::jthread> helpers_;
};

}  // namespace reframe::loader_detail
