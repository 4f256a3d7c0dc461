#pragma once
// Private: reads one file for the loader, with the limits that keep a hostile or broken
// file from hurting the process (size, nesting, alias expansion), and turns every
// problem into a diagnostic with a place.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
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

}  // namespace reframe::loader_detail
