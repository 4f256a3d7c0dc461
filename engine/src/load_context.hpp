#pragma once
// Private: what the loader's parsers share while reading one folder — the FlowSet being
// built, the diagnostics, and the names used before they can be checked (a rule may name
// an intent defined in a file read later).

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "reframe/diagnostic.hpp"
#include "reframe/flow.hpp"
#include "yaml_source.hpp"

namespace reframe::loader_detail {

/// A name used somewhere, checked once the whole folder is read.
struct NameUse {
    std::string name;
    SourceLocation where;
    bool from_safety = false;  // used by a safety interrupt, which may answer crisis
};

/// The first `settings:` seen, and its entry flow.
struct SettingsFacts {
    std::optional<SourceLocation> where;
    std::string entry;
    SourceLocation entry_where;
    std::string first_contact;  // a flow, or empty
    SourceLocation first_contact_where;
};

inline constexpr int max_transcript_days = 3650;

/// A phrase the tone check warns about (RF0911), as written and as normalised tokens.
struct TonePhrase {
    std::string phrase;
    std::vector<std::string> tokens;
    std::string why;      // why it hurts
    std::string instead;  // what to write instead
};

/// Everything gathered while reading the files of one set.
struct LoadState {
    FlowSet set;
    Diagnostics diagnostics;
    std::set<std::string> declared_vars;  // `vars` and `set` targets
    std::set<std::string> measure_names;  // `record` targets
    std::vector<NameUse> var_uses;
    std::vector<NameUse> intent_uses;
    std::vector<NameUse> tag_uses;
    SettingsFacts settings;
    std::optional<SourceLocation> resources_where;  // where `resources:` was read, once
    std::map<std::string, SourceLocation> lexicon_where;
    std::vector<SourceLocation> pattern_where;  // by PatternId
    std::string origin;                         // the folder (or first file), for problems without a line
    bool build_matcher = true;                  // LoadOptions::build_matcher
    std::vector<TonePhrase> tone;               // what the tone check looks for (bundled + lint/tone.yaml)
    /// Pattern words, and whether normalisation splits each into several clauses (lint).
    std::unordered_map<std::string, bool> split_words;
    /// `# lint: allow CODE` comments: file -> line -> the codes allowed there.
    std::map<std::string, std::map<int, std::vector<std::string>>> allowed;
    /// FlowSet::version's input: a digest of each source file's path (relative to
    /// `source_folder`: the folder, or a list of files' first one's) and bytes, in the order
    /// read (note_source()).
    std::filesystem::path source_folder;
    std::string source_digests;

    void error(const char* code, SourceLocation where, std::string message, std::string hint = {});
    void warning(const char* code, SourceLocation where, std::string message, std::string hint = {});
    /// Adds the file at `path`, whose bytes the load is reading, to the version: the bytes
    /// it parses, never a second read of the file, which a change being written may have
    /// made different (the version would then name content that was not loaded). Called on
    /// the loading thread only (YamlFiles' helpers parse; the loader notes what it takes).
    void note_source(const std::filesystem::path& path, std::string_view bytes);
    /// FlowSet::version: a hash over the digests note_source() gathered, in hex.
    [[nodiscard]] std::string version() const;
};

/// One YAML file being read: turns yaml-cpp marks (0-based) into 1-based locations.
class FileContext {
public:
    FileContext(const YamlFile& file, LoadState& state) : file_(file), state_(state) {}

    /// Where `node` starts; `fallback` when yaml-cpp has no mark (an empty value).
    SourceLocation at(const YAML::Node& node) const;
    SourceLocation at(const YAML::Node& node, const SourceLocation& fallback) const;
    /// Where byte `offset` of a scalar's value is, allowing for quotes and block scalars.
    SourceLocation in_scalar(const YAML::Node& scalar, std::size_t offset) const;

    void error(const char* code, SourceLocation where, std::string message, std::string hint = {}) {
        state_.error(code, std::move(where), std::move(message), std::move(hint));
    }
    void warning(const char* code, SourceLocation where, std::string message, std::string hint = {}) {
        state_.warning(code, std::move(where), std::move(message), std::move(hint));
    }

    LoadState& state() { return state_; }

    const std::string& path() const { return file_.path; }

private:
    SourceLocation in_block_scalar(const SourceLocation& indicator_at, std::size_t indicator, const std::string& value,
                                   std::size_t offset) const;

    const YamlFile& file_;
    LoadState& state_;
};

/// "file:line" of a location, for messages that point at a first definition.
std::string short_location(const SourceLocation& where);

/// "line 4" when `first` is in the same file as `here`, else "file:4".
std::string first_at(const SourceLocation& first, const SourceLocation& here);

}  // namespace reframe::loader_detail
