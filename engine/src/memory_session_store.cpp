#include "memory_session_store.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace reframe {

tl::expected<void, StoreError> MemorySessionStore::update(const std::string& user, const Turn& turn) {
    const std::lock_guard lock(mutex_);
    const auto found = sessions_.find(user);
    const bool is_new = found == sessions_.end();

    // Work on a copy so that a throwing `turn` leaves the stored session as it was.
    SessionState state;
    if (is_new) {
        state.user = user;
    } else {
        state = found->second;
    }
    TurnWrites writes;
    turn(state, is_new, writes);
    state.user = user;  // the key is the user, whatever `turn` did to the field

    if (writes.forget) {
        sessions_.erase(user);
        transcripts_.erase(user);
        measures_.erase(user);
        return {};
    }
    if (!writes.measures.empty()) {
        auto& kept = measures_[user];
        std::move(writes.measures.begin(), writes.measures.end(), std::back_inserter(kept));
    }
    if (writes.erase_transcript) transcripts_.erase(user);
    if (!writes.transcript.empty()) {
        auto& lines = transcripts_[user];
        std::move(writes.transcript.begin(), writes.transcript.end(), std::back_inserter(lines));
    }
    if (is_new) {
        sessions_.emplace(user, std::move(state));
    } else {
        found->second = std::move(state);  // `found` is still valid: nothing was inserted
    }
    return {};
}

tl::expected<std::optional<SessionState>, StoreError> MemorySessionStore::load(const std::string& user) {
    const std::lock_guard lock(mutex_);
    const auto found = sessions_.find(user);
    if (found == sessions_.end()) return std::optional<SessionState>{};
    return std::optional<SessionState>{found->second};
}

tl::expected<int, StoreError> MemorySessionStore::erase(const std::string& user) {
    const std::lock_guard lock(mutex_);
    transcripts_.erase(user);
    measures_.erase(user);
    return sessions_.erase(user) == 0 ? 0 : 1;
}

tl::expected<StoredData, StoreError> MemorySessionStore::export_data(const std::string& user) {
    const std::lock_guard lock(mutex_);
    StoredData data;
    if (const auto found = sessions_.find(user); found != sessions_.end()) data.session = found->second;
    if (const auto found = transcripts_.find(user); found != transcripts_.end()) data.transcript = found->second;
    if (const auto found = measures_.find(user); found != measures_.end()) data.measures = found->second;
    return data;
}

tl::expected<std::int64_t, StoreError> MemorySessionStore::purge_transcripts(std::int64_t before) {
    const std::lock_guard lock(mutex_);
    std::int64_t purged = 0;
    for (auto it = transcripts_.begin(); it != transcripts_.end();) {
        auto& lines = it->second;
        const auto old = std::remove_if(lines.begin(), lines.end(),
                                        [before](const TranscriptLine& line) { return line.at < before; });
        purged += static_cast<std::int64_t>(lines.end() - old);
        lines.erase(old, lines.end());
        it = lines.empty() ? transcripts_.erase(it) : std::next(it);
    }
    return purged;
}

}  // namespace reframe
