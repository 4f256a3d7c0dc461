#pragma once
/// Where sessions survive between turns and restarts.
///
/// The engine's only view of storage. An SQLite implementation is the embedded default;
/// the interface is small so that a deployment can put sessions elsewhere (PostgreSQL).
///
/// Thread-safety: every implementation must allow update() from many threads at once;
/// calls for the same user are serialised by the implementation.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "reframe/session.hpp"

namespace reframe {

struct StoreError {
    std::string message;  // short, lower case: "database is locked"
};

class SessionStore {
public:
    virtual ~SessionStore() = default;

    /// One turn, in one transaction: loads the user's session (or a fresh one with
    /// `user` filled in and `is_new` true), runs `turn` on it, saves what it leaves and
    /// commits. When `turn` throws, nothing is saved and the exception propagates.
    virtual tl::expected<void, StoreError> update(
        const std::string& user, const std::function<void(SessionState& state, bool is_new)>& turn) = 0;

    /// The saved session, if any, without changing it.
    virtual tl::expected<std::optional<SessionState>, StoreError> load(const std::string& user) = 0;

    /// Erases every row about `user`. Returns how many sessions were erased (0 or 1).
    virtual tl::expected<int, StoreError> erase(const std::string& user) = 0;
};

struct StoreOptions {
    /// ":memory:" keeps sessions in process memory (nothing survives a restart).
    std::string path = ":memory:";
};

/// Opens (creating and migrating as needed) the store at `options.path`.
tl::expected<std::unique_ptr<SessionStore>, StoreError> open_session_store(const StoreOptions& options);

}  // namespace reframe
