#pragma once
/// The mutable, per-person side of a conversation: where they are and what we know.
///
/// Thread-safety: a SessionState is a plain value; the engine never shares one between
/// threads (it holds the person's lock while a turn runs).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace reframe {

struct Frame {
    std::string flow;
    std::string state;
    bool operator==(const Frame&) const = default;
};

/// One day's value of a check-in measure ("6", or a note such as "walked to the shop").
struct DayValue {
    std::int64_t day = 0;  // days since 1970-01-01 (UTC)
    std::string value;
    bool operator==(const DayValue&) const = default;
};

/// Recent check-ins by measure name, oldest first, at most one value per day.
using History = std::map<std::string, std::vector<DayValue>>;

/// What a person chose about transcripts; until they choose, none is kept.
inline constexpr const char* consent_granted = "granted";
inline constexpr const char* consent_declined = "declined";

struct SessionState {
    /// Bumped whenever the saved shape changes; `min_loadable_version` is the oldest
    /// saved shape this build can still read.
    static constexpr int version = 4;
    static constexpr int min_loadable_version = 1;

    std::string user;
    Frame at;                                 // the state awaiting the next message
    std::vector<Frame> stack;                 // return addresses of `call`
    std::map<std::string, std::string> vars;  // variables of the conversation
    std::map<std::string, int> last_variant;  // "flow.state" -> index said last time
    std::uint64_t seed = 0;                   // per-session seed for variant choice
    std::uint64_t turns = 0;                  // messages handled so far
    bool greeted = false;                     // the entry state's prompt has been shown
    std::string consent;                      // "", consent_granted or consent_declined (transcripts)
    History history;                          // recent check-ins, for {history.…}
    std::string flow_version;                 // FlowSet::version of the flows it last ran on

    bool operator==(const SessionState&) const = default;
};

/// Compact, versioned serialisation (JSON text) of everything but `user`.
std::string serialize(const SessionState& state);
/// Fails with a sentence when the text is not a session of a loadable version.
tl::expected<SessionState, std::string> deserialize(const std::string& user, const std::string& text);

}  // namespace reframe
