#pragma once
/// Sessions kept in process memory: for tests, demos and `:memory:` deployments.

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "reframe/session_store.hpp"

namespace reframe {

/// A SessionStore that keeps SessionState values in a hash map; nothing survives the process.
///
/// Thread-safety: every call takes one mutex for its whole duration, so update() is atomic
/// per call and calls for any users are serialised. `turn` runs under that mutex: it must
/// not call back into the same store.
class MemorySessionStore final : public SessionStore {
public:
    using SessionStore::update;

    /// Runs `turn` on a copy of the user's session and keeps the copy only if `turn` returns.
    tl::expected<void, StoreError> update(const std::string& user, const Turn& turn) override;

    /// A copy of the user's session, if any.
    tl::expected<std::optional<SessionState>, StoreError> load(const std::string& user) override;

    /// Forgets the user's session and transcript; returns 1 if there was a session, else 0.
    tl::expected<int, StoreError> erase(const std::string& user) override;

    tl::expected<StoredData, StoreError> export_data(const std::string& user) override;
    tl::expected<std::int64_t, StoreError> purge_transcripts(std::int64_t before) override;

private:
    std::mutex mutex_;
    std::unordered_map<std::string, SessionState> sessions_;
    std::unordered_map<std::string, std::vector<TranscriptLine>> transcripts_;
    std::unordered_map<std::string, std::vector<Measure>> measures_;
};

}  // namespace reframe
