#pragma once
/// Where sessions survive between turns and restarts.
///
/// The engine's only view of storage. An SQLite implementation is the embedded default;
/// the interface is small so that a deployment can put sessions elsewhere (PostgreSQL).
///
/// Thread-safety: every implementation must allow update() from many threads at once;
/// calls for the same user are serialised by the implementation.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "reframe/session.hpp"

namespace reframe {

struct StoreError {
    std::string message;  // short, lower case: "database is locked"
};

/// One line of a transcript (kept only with the person's consent).
struct TranscriptLine {
    std::int64_t at = 0;     // unix seconds
    std::uint64_t turn = 0;  // the session's turn number
    std::string speaker;     // "person" or "bot"
    std::string text;
    bool operator==(const TranscriptLine&) const = default;
};

/// One kept check-in value (a rule's `record:`): a number or a short note.
struct Measure {
    std::int64_t at = 0;  // unix seconds
    std::string name;     // "pain", "kind_act", "inner_voice.score"
    std::string value;
    bool operator==(const Measure&) const = default;
};

/// What a turn asks of the store besides saving the session, in the same transaction.
struct TurnWrites {
    bool forget = false;                     // erase every row about the person; save nothing
    bool erase_transcript = false;           // erase the stored transcript (before appending)
    std::vector<TranscriptLine> transcript;  // lines to append
    std::vector<Measure> measures;           // check-in values to append
};

/// Everything stored about one person.
struct StoredData {
    std::optional<SessionState> session;
    std::vector<TranscriptLine> transcript;  // oldest first
    std::vector<Measure> measures;           // oldest first
};

class SessionStore {
public:
    using Turn = std::function<void(SessionState& state, bool is_new, TurnWrites& writes)>;
    using SessionTurn = std::function<void(SessionState& state, bool is_new)>;

    /// One turn of update_all(): `user` and `turn` as for update(). Both must outlive the call.
    struct UserTurn {
        const std::string* user;
        const Turn* turn;
    };

    virtual ~SessionStore() = default;

    /// One turn, in one transaction: loads the user's session (or a fresh one with
    /// `user` filled in and `is_new` true), runs `turn` on it, then carries out `writes`
    /// and saves the session (unless `writes.forget`) and commits. When `turn` throws,
    /// nothing is saved and the exception propagates.
    virtual tl::expected<void, StoreError> update(const std::string& user, const Turn& turn) = 0;

    /// Several turns, in order, as if update() ran for each one after the other, but
    /// committed together: a group commit, so that a busy server pays for one commit per
    /// batch instead of one per turn. The same user may appear more than once; each turn
    /// sees the session as the previous one left it. Each turn is all-or-nothing on its
    /// own: one that throws, or whose writes fail, is undone alone and its entry in the
    /// result holds the error (a throwing turn's message is its `what()`); the others are
    /// kept. When the batch itself cannot be written (BEGIN or COMMIT fails, or the SQLite
    /// store cannot write the other turns again after undoing a failed one), every entry
    /// holds that error and nothing is kept. Returns one result per turn, in order.
    /// This implementation runs update() for each turn (each its own commit).
    virtual std::vector<tl::expected<void, StoreError>> update_all(std::span<const UserTurn> turns);

    /// update() for a turn that only changes the session.
    tl::expected<void, StoreError> update(const std::string& user, const SessionTurn& turn) {
        return update(user, Turn([&turn](SessionState& state, bool is_new, TurnWrites&) { turn(state, is_new); }));
    }

    /// The saved session, if any, without changing it.
    virtual tl::expected<std::optional<SessionState>, StoreError> load(const std::string& user) = 0;

    /// Erases every row about `user`. Returns how many sessions were erased (0 or 1).
    virtual tl::expected<int, StoreError> erase(const std::string& user) = 0;

    /// erase() for each of `users`, together: a server erases the sessions of the
    /// connections that closed meanwhile in one go, paying for one commit (and one
    /// truncation of the log) instead of one per person. Returns how many sessions were
    /// erased; on an error, none of the SQLite store's erasures is kept.
    /// This implementation runs erase() for each user and stops at the first error.
    virtual tl::expected<int, StoreError> erase_all(std::span<const std::string> users);

    /// Everything stored about `user` (for "export my data").
    virtual tl::expected<StoredData, StoreError> export_data(const std::string& user) = 0;

    /// Erases transcript lines written before `before` (unix seconds); returns how many.
    virtual tl::expected<std::int64_t, StoreError> purge_transcripts(std::int64_t before) = 0;
};

struct StoreOptions {
    /// ":memory:" keeps sessions in process memory (nothing survives a restart).
    std::string path = ":memory:";
};

/// Opens (creating and migrating as needed) the store at `options.path`.
tl::expected<std::unique_ptr<SessionStore>, StoreError> open_session_store(const StoreOptions& options);

}  // namespace reframe
