// Invites, membership and which messages of a sync batch the bot answers.
#include <spdlog/logger.h>

#include "bot.hpp"
#include "bot_work.hpp"
#include "reply_format.hpp"

namespace reframe::matrix {
namespace {

constexpr const char* encryption_notice =
    "I can't read encrypted messages yet, so I won't be able to answer in this room. To talk with me, "
    "create a new room with end-to-end encryption turned off and invite me to it (in Element: + → New room → "
    "turn off \"Enable end-to-end encryption\" → Create, then invite me). Until then I'll stay quiet here.";

bool gone(const std::string& membership) { return membership == "leave" || membership == "ban"; }

}  // namespace

void Bot::note_direct_rooms(const SyncBatch& batch) {
    if (!batch.has_direct) return;
    for (const auto& [person, rooms] : batch.direct) {
        for (const auto& room_id : rooms) {
            auto info = store_.room(room_id);
            if (info.known && !info.direct) {
                info.direct = true;
                store_.save_room(info);
            }
        }
    }
}

void Bot::handle_invites(ClientApi& api, const SyncBatch& batch) {
    auto context = retry_context(true);
    for (const auto& invite : batch.invites) {
        if (stopper_.stopping()) return;
        const auto& room = invite.room_id;
        if (!is_allowed(config_, invite.inviter)) {
            if (config_.invites == InvitePolicy::reject) {
                if (log_) log_->info("matrix: declining an invite from someone not on the allow-list");
                (void)with_retry<void>(api, context, [&](ClientApi& a) { return a.leave(room); });
            }
            continue;
        }
        auto joined = with_retry<void>(api, context, [&](ClientApi& a) { return a.join(room); });
        if (!joined) {
            if (log_) log_->warn("matrix: could not join a room: {}", joined.error().message);
            continue;
        }
        if (log_) log_->info("matrix: joined a room{}", invite.encrypted ? " (encrypted)" : "");
        auto info = store_.room(room);
        info.known = true;
        info.direct = info.direct || invite.is_direct;
        store_.save_room(info);
        if (invite.encrypted && !info.encryption_notice) send_encryption_notice(api, info);
    }
}

void Bot::send_encryption_notice(ClientApi& api, RoomInfo& info) {
    if (send_notice(api, "encryption:" + info.room_id, "", info.room_id, {encryption_notice})) {
        info.encryption_notice = true;
        store_.save_room(info);
    }
}

std::vector<Bot::Work> Bot::collect_work(ClientApi& api, const SyncBatch& batch, bool first) {
    std::vector<Work> work;
    for (const auto& room : batch.joined) {
        auto info = store_.room(room.room_id);
        const bool was_known = info.known;
        info.known = true;
        if (!info.direct && room.joined_members == 2) info.direct = true;  // two people: a DM in all but name
        if (first) info.live = true;                                       // the first start answers no backlog
        if (room.encrypted || info.encryption_notice) {
            if (!info.encryption_notice && !first) {
                send_encryption_notice(api, info);
            } else if (!was_known || first) {
                store_.save_room(info);
            }
            continue;  // nothing more happens in an encrypted room
        }
        if (room_events(api, room, info, first, work)) store_.save_room(info);
    }
    return work;
}

/// Walks one room's timeline: the bot's own join makes later messages answerable; a
/// person leaving a DM makes the bot leave. False when the room was left.
bool Bot::room_events(ClientApi& api, const JoinedRoom& room, RoomInfo& info, bool first, std::vector<Work>& work) {
    for (const auto& e : room.timeline) {
        if (e.type == "m.room.member") {
            if (e.state_key == config_.user_id) {
                if (e.membership == "join") info.live = true;
                if (gone(e.membership)) {
                    store_.forget_room(room.room_id);
                    return false;
                }
            } else if (gone(e.membership) && info.direct && !first) {
                auto context = retry_context(true);
                (void)with_retry<void>(api, context, [&](ClientApi& a) { return a.leave(room.room_id); });
                store_.forget_room(room.room_id);
                if (log_) log_->info("matrix: left a room the person left");
                return false;
            }
            continue;
        }
        if (e.type != "m.room.message" || first || !info.live || e.sender == config_.user_id) continue;
        if (e.event_id.empty()) continue;
        work.push_back(Work{room.room_id, e, info.direct});
    }
    return true;
}

}  // namespace reframe::matrix
