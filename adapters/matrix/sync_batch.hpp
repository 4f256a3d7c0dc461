#pragma once
/// One /sync response, reduced to what the bot acts on. Parsing is pure and forgiving: a
/// malformed event is skipped, never fatal; only a response without next_batch is an error.
///
/// Thread-safety: plain values.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace reframe::matrix {

struct RoomEvent {
    std::string event_id, sender, type;
    std::string msgtype, body;          // m.room.message
    std::string membership, state_key;  // m.room.member
    bool is_direct = false;             // m.room.member content.is_direct
    std::vector<std::string> mentions;  // m.mentions.user_ids
    std::int64_t origin_server_ts = 0;
};

struct Invite {
    std::string room_id, inviter;
    bool is_direct = false;  // the invite's m.room.member event says so
    bool encrypted = false;  // the stripped state holds m.room.encryption
};

struct JoinedRoom {
    std::string room_id;
    std::vector<RoomEvent> timeline;  // oldest first
    bool encrypted = false;           // m.room.encryption in its state or timeline
    int joined_members = -1;          // summary.m.joined_member_count, -1 when not sent
};

struct SyncBatch {
    std::string next_batch;
    std::vector<Invite> invites;
    std::vector<JoinedRoom> joined;
    std::vector<std::string> left;  // rooms the bot is no longer in
    /// m.direct account data (person -> rooms) when this batch carries it.
    std::map<std::string, std::vector<std::string>> direct;
    bool has_direct = false;
};

/// Reduces a /sync response body; `own_user_id` identifies the bot's own membership events.
tl::expected<SyncBatch, std::string> parse_sync(const nlohmann::json& response, const std::string& own_user_id);

}  // namespace reframe::matrix
