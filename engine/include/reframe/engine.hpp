#pragma once
/// The façade adapters call: one message in, one reply out.
///
/// Thread-safety: respond(), greet() and classify() may be called from any number of
/// threads at once; turns of the same user are serialised, turns of different users run
/// in parallel (up to the store's own serialisation). reload() swaps the flow set
/// atomically: a turn sees either the old or the new set, never a mix.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/fwd.h>
#include <tl/expected.hpp>

#include "reframe/flow.hpp"
#include "reframe/session_store.hpp"

namespace reframe {

struct Reply {
    std::string user;
    std::string state;  // "flow.state" awaiting the next message
    std::vector<std::string> messages;
    std::vector<std::string> options;
    std::vector<std::string> intents;  // intents matched in this message
    std::vector<std::string> traps;    // thinking traps among their tags
    std::string safety;                // "", "crisis" or "medical_urgent"
    std::string error;                 // "" or a stable code: "message_too_long", "rate_limited"
    std::vector<std::string> visited;  // "flow.state" of every state entered this turn, in order
    /// For each message, how long an adapter may show "typing…" before it (settings.pacing;
    /// all 0 when the flows set no pacing). Adapters that cannot show typing ignore it.
    std::vector<int> pauses_ms;
};

struct Classification {
    std::string text;
    std::vector<std::string> intents;
    std::vector<std::string> traps;
    bool self_critical = false;
    bool crisis = false;
    bool medical_urgent = false;
};

struct EngineOptions {
    /// Longer messages are not matched against flows; the reply asks for a shorter one.
    /// Safety interrupts still scan the whole message.
    std::size_t max_message_bytes = 16 * 1024;
    /// Mixed into every session's seed; fixed so that runs are reproducible.
    std::uint64_t seed = 0x7265667261;
    /// At most this many `next` hops in one turn (guards against loops).
    int max_hops = 16;
    /// The locale of `{resources.…}` for sessions that set no `locale` variable; empty or
    /// unknown: the resources' default locale.
    std::string locale;
    /// The time now, in unix seconds (transcript and check-in times, retention); empty:
    /// the system clock. Tests move it.
    std::function<std::int64_t()> unix_clock;
    /// Messages a minute one user may send once `rate_burst` is used up; 0 turns the limit
    /// off. A message over the limit is not handled: the reply asks the person to slow down,
    /// carries `"error":"rate_limited"` and leaves the session as it was. A message that
    /// fits a safety interrupt (crisis, medical urgency) is always answered.
    double rate_per_minute = 30;
    /// Messages one user may send at once before the per-minute rate applies.
    double rate_burst = 10;
    /// Where the rate limit reads the time; empty: std::chrono::steady_clock.
    std::function<std::chrono::steady_clock::time_point()> clock;
    /// Gets one line per turn (docs/operators.md says what is in it: never what a person
    /// wrote); null: nothing is logged.
    std::shared_ptr<spdlog::logger> logger;
    /// Keys the pseudonyms that stand for user ids in the log; empty: a fixed key.
    std::string log_pseudonym_key;
};

struct EngineError {
    std::string message;
};

/// One message of Engine::respond_all().
struct Message {
    std::string user;
    std::string text;
};

/// A message whose text Engine::prepare() has analysed: normalised and matched against the
/// flow set of that moment, which it keeps (a reload in between does not mix versions).
/// Opaque; immutable, so it may be made on one thread and answered on another.
struct PreparedMessage;
using Prepared = std::shared_ptr<const PreparedMessage>;

struct Explanation;  // reframe/explain.hpp

class Engine {
public:
    Engine(std::shared_ptr<const FlowSet> flows, std::unique_ptr<SessionStore> store, EngineOptions options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// Handles one message from `user`.
    tl::expected<Reply, EngineError> respond(const std::string& user, std::string_view text);
    /// Handles several messages, from the same or different users, exactly as respond()
    /// would one after another, but commits their turns to the store together
    /// (SessionStore::update_all, a group commit): a busy server pays for one commit per
    /// batch instead of one per message. Each message succeeds or fails on its own.
    /// Returns one result per message, in order.
    std::vector<tl::expected<Reply, EngineError>> respond_all(std::span<const Message> messages);
    /// respond_all() for messages prepare() has analysed already.
    std::vector<tl::expected<Reply, EngineError>> respond_all(std::span<const Prepared> messages);
    /// The part of a turn that needs no session — normalising the text and matching it
    /// against the flows, most of a turn's work — done now, on the caller's thread, so
    /// that a server can do it in parallel and keep its turns (serialised by the store)
    /// short. Never fails: an empty user or message is refused when the turn runs.
    Prepared prepare(Message message) const;

    /// What the bot says before the person writes anything: the entry state's prompt for
    /// a new session, or the current state's prompt again for a resumed one.
    tl::expected<Reply, EngineError> greet(const std::string& user);

    /// The person has gone quiet (the adapter decides after how long): in the middle of a
    /// conversation, says one of settings.quiet and lets the conversation rest; at rest, or
    /// for someone never seen, or in a state tagged `resting` (a pause they can come back
    /// from), says nothing and stores nothing.
    tl::expected<Reply, EngineError> quiet(const std::string& user);

    /// Stateless: which intents, traps and safety categories a text shows.
    Classification classify(std::string_view text) const;

    /// Why `text` would be answered as it is in `state` ("flow.state"; empty: the entry
    /// state), from the current flow set; nothing is stored. Include reframe/explain.hpp.
    tl::expected<Explanation, EngineError> explain(std::string_view text, const std::string& state = {}) const;

    /// Everything stored about `user`, as the JSON document of data_export.hpp.
    tl::expected<std::string, EngineError> export_data(const std::string& user);

    /// Erases every row about `user`; true when there was a session.
    tl::expected<bool, EngineError> forget(const std::string& user);

    /// forget() for several people at once (the sessions of connections that closed): in
    /// the SQLite store one commit, all or nothing. Returns how many of them had a session;
    /// an empty id refuses the whole call.
    tl::expected<int, EngineError> forget_all(std::span<const std::string> users);

    /// Erases transcript lines older than the flows' `transcript_days`; returns how many.
    /// respond() also does this by itself, at most once an hour.
    tl::expected<std::int64_t, EngineError> purge_expired();

    /// The text of `{resources.<key>}` for the engine's locale (EngineOptions::locale, else
    /// the resources' default) in the current flow set, e.g. "help_url" for a web page's
    /// "get help now" link; nothing when the flows give no such resource.
    std::optional<std::string> resource(std::string_view key) const;

    /// Swaps in `flows` for every turn that starts from now on. Refused (the old set stays)
    /// when the new set has no safety resources for the engine's locale: a reload must
    /// never leave a person in crisis without the number to call.
    tl::expected<void, EngineError> reload(std::shared_ptr<const FlowSet> flows);
    std::shared_ptr<const FlowSet> flows() const;
    SessionStore& store();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace reframe
