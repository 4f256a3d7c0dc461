#include "memory_session_store.hpp"

#include <utility>

namespace reframe {

tl::expected<void, StoreError> MemorySessionStore::update(
    const std::string& user, const std::function<void(SessionState& state, bool is_new)>& turn) {
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
    turn(state, is_new);
    state.user = user;  // the key is the user, whatever `turn` did to the field

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
    return sessions_.erase(user) == 0 ? 0 : 1;
}

}  // namespace reframe
