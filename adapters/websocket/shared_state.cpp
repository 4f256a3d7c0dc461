#include "shared_state.hpp"

#include <vector>

namespace reframe::websocket {

SharedState::SharedState(Engine& engine, ServerConfig config, std::shared_ptr<spdlog::logger> logger)
    : engine_(engine),
      config_(std::move(config)),
      logger_(std::move(logger)),
      turn_pool_(config_.turn_threads),
      ip_limiter_(config_.limits.per_ip) {}

SharedState::~SharedState() { turn_pool_.join(); }

HelpLink SharedState::help_link() const {
    return HelpLink{engine_.resource("crisis_line").value_or(""), engine_.resource("help_url").value_or("")};
}

bool SharedState::join(std::uint64_t id, std::weak_ptr<OpenSession> session) {
    std::lock_guard lock(mutex_);
    if (shutting_down() || sessions_.size() >= config_.limits.max_connections) return false;
    sessions_.emplace(id, std::move(session));
    metrics_.connection_opened();
    return true;
}

void SharedState::leave(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    if (sessions_.erase(id) > 0) metrics_.connection_closed();
}

std::size_t SharedState::open_sessions() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

void SharedState::shut_down_sessions() {
    std::vector<std::shared_ptr<OpenSession>> open;
    {
        std::lock_guard lock(mutex_);
        shutting_down_.store(true, std::memory_order_release);
        for (const auto& [id, weak] : sessions_) {
            if (auto session = weak.lock()) open.push_back(std::move(session));
        }
    }
    for (const auto& session : open) session->shut_down();
}

void SharedState::join_turns() { turn_pool_.join(); }

}  // namespace reframe::websocket
