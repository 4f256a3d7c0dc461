#include "reframe/session_store.hpp"

#include "memory_session_store.hpp"
#include "sqlite_session_store.hpp"

namespace reframe {

tl::expected<std::unique_ptr<SessionStore>, StoreError> open_session_store(const StoreOptions& options) {
    if (options.path == ":memory:") return std::make_unique<MemorySessionStore>();
    auto store = SqliteSessionStore::open(options.path);
    if (!store) return tl::make_unexpected(std::move(store.error()));
    return std::unique_ptr<SessionStore>(std::move(*store));
}

}  // namespace reframe
