#include "reframe/session_store.hpp"

#include <exception>

#include "memory_session_store.hpp"
#include "sqlite_session_store.hpp"

namespace reframe {

std::vector<tl::expected<void, StoreError>> SessionStore::update_all(std::span<const UserTurn> turns) {
    std::vector<tl::expected<void, StoreError>> results;
    results.reserve(turns.size());
    for (const auto& [user, turn] : turns) {
        try {
            results.push_back(update(*user, *turn));
        } catch (const std::exception& error) {
            results.push_back(tl::make_unexpected(StoreError{error.what()}));
        }
    }
    return results;
}

tl::expected<int, StoreError> SessionStore::erase_all(std::span<const std::string> users) {
    int erased = 0;
    for (const auto& user : users) {
        auto one = erase(user);
        if (!one) return one;
        erased += *one;
    }
    return erased;
}

tl::expected<std::unique_ptr<SessionStore>, StoreError> open_session_store(const StoreOptions& options) {
    if (options.path == ":memory:") return std::make_unique<MemorySessionStore>();
    auto store = SqliteSessionStore::open(options.path);
    if (!store) return tl::make_unexpected(std::move(store.error()));
    return std::unique_ptr<SessionStore>(std::move(*store));
}

}  // namespace reframe
