// One message in, one reply out: the engine's turn, stored, then delivered with pacing.
#include <algorithm>

#include <spdlog/logger.h>

#include "bot.hpp"
#include "bot_work.hpp"
#include "reply_format.hpp"

namespace reframe::matrix {
namespace {

constexpr const char* not_allowed =
    "Hello. I'm a self-compassion companion, and I can only talk with the people my clinic has set me up for. "
    "If you'd like to use me, please ask the clinic. I won't write here again.";
constexpr const char* engine_failed =
    "Sorry, something went wrong on my side and I couldn't read that. Please try again in a moment.";
constexpr int typing_slack_ms = 1000;

}  // namespace

bool Bot::handle_person(ClientApi& api, const std::vector<Work>& items) {
    for (const auto& work : items) {
        if (stopper_.stopping()) return false;  // later messages wait for the next start
        try {
            if (!handle_message(api, work)) return false;
        } catch (const BotStoreError& e) {
            if (log_) log_->error("matrix: {}", e.what());
            return false;
        }
    }
    return true;
}

bool Bot::addressed_to_bot(const Work& work, std::string& text) const {
    if (work.direct) return true;
    if (config_.group_rooms == GroupPolicy::ignore) return false;
    const auto& e = work.event;
    const bool mentioned = std::find(e.mentions.begin(), e.mentions.end(), config_.user_id) != e.mentions.end();
    const auto at = text.find(config_.user_id);
    if (at != std::string::npos) text.erase(at, config_.user_id.size());
    if (!mentioned && at == std::string::npos) return false;
    // "@bot:example.org: i'm useless" -> "i'm useless"
    const auto start = text.find_first_not_of(" :,\t");
    text = start == std::string::npos ? std::string{} : text.substr(start);
    return true;
}

bool Bot::handle_message(ClientApi& api, const Work& work) {
    const auto& e = work.event;
    if (store_.handled(e.event_id)) return true;
    const auto user = engine_user(e.sender);
    auto parts = store_.outbox(e.event_id);
    std::vector<int> pauses;
    if (parts.empty()) {
        std::vector<std::string> messages;
        std::vector<std::string> options;
        std::string text = e.body;
        if (e.msgtype != "m.text" && e.msgtype != "m.emote") {
            // pictures, files, notices of other bots: nothing to answer
        } else if (!is_allowed(config_, e.sender)) {
            if (store_.first_refusal(e.sender)) messages = {not_allowed};
        } else if (addressed_to_bot(work, text) && !text.empty()) {
            messages = answer(work, text, options, pauses);
        }
        for (std::size_t i = 0; i < messages.size(); ++i) {
            const bool last = i + 1 == messages.size();
            parts.push_back(
                {static_cast<int>(i), work.room_id,
                 message_content(messages[i], last ? options : std::vector<std::string>{}, config_.msgtype).dump()});
        }
        if (!parts.empty()) store_.put_outbox(user, e.event_id, parts);
    }
    if (!parts.empty() && !deliver(api, e.event_id, e.event_id, parts, pauses)) return false;
    store_.mark_handled(e.event_id, now_ms());
    return true;
}

std::vector<std::string> Bot::answer(const Work& work, const std::string& text, std::vector<std::string>& options,
                                     std::vector<int>& pauses) {
    const auto user = engine_user(work.event.sender);
    if (is_command(text)) return run_command(user, work.room_id, text);
    auto person = store_.person(user);
    if (person && person->forget_asked) {
        person->forget_asked = false;  // anything but "!forget yes" keeps the data
        store_.save_person(*person);
    }
    if (person && person->paused) {
        const auto c = engine_.classify(text);
        if (!c.crisis && !c.medical_urgent) return {};  // paused: quiet, but safety is always answered
    }
    const auto resolved = resolve_option(text, person ? person->options : std::vector<std::string>{});
    auto reply = engine_.respond(user, resolved);
    if (!reply) {
        if (log_) log_->error("matrix: the engine could not answer: {}", reply.error().message);
        return {engine_failed};
    }
    options = reply->options;
    pauses = reply->pauses_ms;
    after_turn(user, work.room_id, options);
    return reply->messages.empty() && !options.empty() ? std::vector<std::string>{""} : reply->messages;
}

void Bot::after_turn(const std::string& user, const std::string& room_id, const std::vector<std::string>& options) {
    auto session = engine_.store().load(user);
    if (session && !session->has_value()) {
        store_.forget_person(user);  // the turn was "forget me": the Matrix side goes too
        return;
    }
    auto person = store_.person(user).value_or(Person{user, room_id, {}, false, -1, -1, false});
    person.room_id = room_id;
    person.options = options;
    store_.save_person(person);
}

bool Bot::deliver(ClientApi& api, const std::string& key, const std::string& receipt_for,
                  const std::vector<OutboxPart>& parts, const std::vector<int>& pauses) {
    api.set_access_token(auth_.token());  // receipts and typing go without the retry loop
    if (!receipt_for.empty() && !parts.empty()) {
        const auto& room = parts.front().room_id;
        (void)api.read_receipt(room, receipt_for);  // a courtesy: never worth a retry
    }
    bool typed = false;
    for (const auto& part : parts) {
        const auto index = static_cast<std::size_t>(part.part);
        const int pause = index < pauses.size() ? std::min(pauses[index], config_.max_pause_ms) : 0;
        if (pause > 0) {
            typed = true;
            (void)api.typing(part.room_id, config_.user_id, true, pause + typing_slack_ms);
            if (!stopper_.sleep_for(std::chrono::milliseconds(pause))) return false;
        }
        if (!send_part(api, part.room_id, transaction_id(key, part.part), part.content)) return false;
        store_.mark_sent(key, part.part);
    }
    if (typed) (void)api.typing(parts.back().room_id, config_.user_id, false, 0);
    return true;
}

bool Bot::send_part(ClientApi& api, const std::string& room_id, const std::string& txn, const std::string& content) {
    auto context = retry_context(false);
    const auto json = nlohmann::json::parse(content, nullptr, false);
    auto sent = with_retry<std::string>(api, context, [&](ClientApi& a) { return a.send(room_id, txn, json); });
    if (sent) return true;
    const auto& error = sent.error();
    if (error.kind == ApiError::Kind::cancelled) return false;
    if (error.kind == ApiError::Kind::unknown_token) {
        fail(error.message);
        return false;
    }
    // Refused (not in the room any more, forbidden): retrying cannot help; drop this part.
    if (log_) log_->warn("matrix: a message was refused by the homeserver: {}", error.message);
    return true;
}

bool Bot::send_notice(ClientApi& api, const std::string& key, const std::string& user, const std::string& room_id,
                      const std::vector<std::string>& messages) {
    auto parts = store_.outbox(key);
    if (parts.empty()) {
        for (std::size_t i = 0; i < messages.size(); ++i) {
            parts.push_back({static_cast<int>(i), room_id, message_content(messages[i], {}, config_.msgtype).dump()});
        }
        store_.put_outbox(user, key, parts);
    }
    return deliver(api, key, "", parts, {});
}

}  // namespace reframe::matrix
