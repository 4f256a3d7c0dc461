#include "engine_log.hpp"

#include <spdlog/logger.h>

namespace reframe {
namespace {

/// Ids joined by ',' ("-" for none): intent ids and tags are names from the flows.
std::string joined(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
    return out.empty() ? "-" : out;
}

std::string_view or_dash(const std::string& s) { return s.empty() ? std::string_view{"-"} : std::string_view{s}; }

}  // namespace

EngineLog::EngineLog(std::shared_ptr<spdlog::logger> logger, std::string_view pseudonym_key)
    : logger_(logger ? std::move(logger) : std::make_shared<spdlog::logger>("reframe")), pseudonymize_(pseudonym_key) {}

void EngineLog::reloaded(const FlowSet& flows) const {
    logger_->info("flows reloaded: version {}, {} flows, {} intents, {} interrupts", flows.version, flows.flows.size(),
                  flows.intents.size(), flows.interrupts.size());
}

TurnLog::TurnLog(const EngineLog& log, std::string_view event, const std::string& user)
    : log_(log), event_(event), user_(user) {}

void TurnLog::moved(const Frame& from, std::string_view version) const {
    log_.logger().warn("moved user={} from={}.{}: the flows (version {}) no longer have that state; now at the entry",
                       log_.pseudonym(user_), from.flow, from.state, version);
}

void TurnLog::before(const Frame& at, bool is_new) {
    before_ = at;
    was_new_ = is_new;
}

tl::expected<Reply, EngineError> TurnLog::done(tl::expected<Reply, EngineError> result) const {
    auto& logger = log_.logger();
    const auto level = !result ? spdlog::level::err : result->error.empty() ? spdlog::level::info : spdlog::level::warn;
    if (!logger.should_log(level)) return result;
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count();
    const std::string user = user_.empty() ? "-" : log_.pseudonym(user_);
    if (!result) {
        // Engine errors are the engine's own sentences (a database error, a broken
        // invariant), never text from the message.
        logger.log(level, "{} user={} error=failed reason=\"{}\" us={}", event_, user, result.error().message, micros);
        return result;
    }
    const Reply& reply = *result;
    const std::string from = was_new_ ? "(new)" : before_ ? before_->flow + "." + before_->state : reply.state;
    logger.log(level, "{} user={} state={}->{} intents={} traps={} safety={} error={} us={}", event_, user, from,
               reply.state, joined(reply.intents), joined(reply.traps), or_dash(reply.safety), or_dash(reply.error),
               micros);
    return result;
}

}  // namespace reframe
