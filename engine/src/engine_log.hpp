#pragma once
/// What the engine writes to the operator's log: one line per turn, and never what a
/// person wrote. A line names the user by a pseudonym and carries only what the flows
/// define (state names, intent ids, trap and safety tags), an error code and a duration;
/// never the message, a captured variable, a rendered reply or anything derived from them.
///
///   turn user=3f2a9c1b7e4d state=reframe.opening->reframe.kindness intents=self_label
///        traps=labeling safety=- error=- us=184
///
/// Thread-safety: an EngineLog is shared by every turn (spdlog loggers are thread-safe);
/// a TurnLog belongs to one turn on one thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/fwd.h>
#include <tl/expected.hpp>

#include "pseudonym.hpp"
#include "reframe/engine.hpp"

namespace reframe {

class EngineLog {
public:
    /// A null `logger` logs nothing.
    EngineLog(std::shared_ptr<spdlog::logger> logger, std::string_view pseudonym_key);

    spdlog::logger& logger() const { return *logger_; }
    std::string pseudonym(std::string_view user) const { return pseudonymize_(user); }

    /// One info line after a reload: the new set's version, how many flows and intents it has.
    void reloaded(const FlowSet& flows) const;

private:
    std::shared_ptr<spdlog::logger> logger_;
    Pseudonymizer pseudonymize_;
};

/// The line of one turn: started when constructed, written by done().
class TurnLog {
public:
    /// `event` names the kind of turn ("turn" for a message, "greet").
    TurnLog(const EngineLog& log, std::string_view event, const std::string& user);

    /// Where the session was before the turn ran (a new session has no state yet).
    void before(const Frame& at, bool is_new);

    /// A warning line at once: the session was at `from`, which the flow set `version` has
    /// no longer (a reload removed it), so the turn moved it to the entry.
    void moved(const Frame& from, std::string_view version) const;

    /// Writes the line — info for a turn, warn for a reply with an error code, error for a
    /// failed turn — and hands `result` back unchanged.
    tl::expected<Reply, EngineError> done(tl::expected<Reply, EngineError> result) const;

private:
    const EngineLog& log_;
    std::string_view event_;
    const std::string& user_;  // outlived by the caller's argument; hashed only when logged
    std::optional<Frame> before_;
    bool was_new_ = false;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace reframe
