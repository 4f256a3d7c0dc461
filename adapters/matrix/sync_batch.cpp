#include "sync_batch.hpp"

namespace reframe::matrix {
namespace {

using json = nlohmann::json;

std::string text_at(const json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

const json& child(const json& object, const char* key) {
    static const json empty = json::object();
    if (!object.is_object()) return empty;
    const auto it = object.find(key);
    return it != object.end() ? *it : empty;
}

/// The events array at object[section]["events"], or an empty array.
const json& events_of(const json& object, const char* section) {
    static const json none = json::array();
    const auto& events = child(child(object, section), "events");
    return events.is_array() ? events : none;
}

std::optional<RoomEvent> parse_event(const json& raw) {
    if (!raw.is_object()) return std::nullopt;
    RoomEvent e;
    e.type = text_at(raw, "type");
    e.sender = text_at(raw, "sender");
    e.event_id = text_at(raw, "event_id");
    if (e.type.empty() || e.sender.empty()) return std::nullopt;
    if (const auto ts = raw.find("origin_server_ts"); ts != raw.end() && ts->is_number_integer()) {
        e.origin_server_ts = ts->get<std::int64_t>();
    }
    e.state_key = text_at(raw, "state_key");
    const auto& content = child(raw, "content");
    if (e.type == "m.room.message") {
        e.msgtype = text_at(content, "msgtype");
        e.body = text_at(content, "body");
        const auto& ids = child(child(content, "m.mentions"), "user_ids");
        if (ids.is_array()) {
            for (const auto& id : ids) {
                if (id.is_string()) e.mentions.push_back(id.get<std::string>());
            }
        }
    } else if (e.type == "m.room.member") {
        e.membership = text_at(content, "membership");
        const auto direct = content.is_object() ? content.find("is_direct") : content.end();
        e.is_direct = content.is_object() && direct != content.end() && direct->is_boolean() && direct->get<bool>();
    }
    return e;
}

Invite parse_invite(const std::string& room_id, const json& room, const std::string& own) {
    Invite invite;
    invite.room_id = room_id;
    for (const auto& raw : events_of(room, "invite_state")) {
        const auto e = parse_event(raw);
        if (!e) continue;
        if (e->type == "m.room.encryption") invite.encrypted = true;
        if (e->type == "m.room.member" && e->state_key == own && e->membership == "invite") {
            invite.inviter = e->sender;
            invite.is_direct = e->is_direct;
        }
    }
    return invite;
}

JoinedRoom parse_joined(const std::string& room_id, const json& room) {
    JoinedRoom joined;
    joined.room_id = room_id;
    for (const auto& raw : events_of(room, "state")) {
        if (text_at(raw, "type") == "m.room.encryption") joined.encrypted = true;
    }
    for (const auto& raw : events_of(room, "timeline")) {
        auto e = parse_event(raw);
        if (!e) continue;
        if (e->type == "m.room.encryption") joined.encrypted = true;
        joined.timeline.push_back(std::move(*e));
    }
    const auto& count = child(child(room, "summary"), "m.joined_member_count");
    if (count.is_number_integer()) joined.joined_members = count.get<int>();
    return joined;
}

void parse_direct(const json& response, SyncBatch& batch) {
    for (const auto& raw : events_of(response, "account_data")) {
        if (text_at(raw, "type") != "m.direct") continue;
        batch.has_direct = true;
        batch.direct.clear();
        const auto& content = child(raw, "content");
        if (!content.is_object()) continue;
        for (const auto& [person, rooms] : content.items()) {
            if (!rooms.is_array()) continue;
            for (const auto& r : rooms) {
                if (r.is_string()) batch.direct[person].push_back(r.get<std::string>());
            }
        }
    }
}

}  // namespace

tl::expected<SyncBatch, std::string> parse_sync(const json& response, const std::string& own_user_id) {
    SyncBatch batch;
    batch.next_batch = text_at(response, "next_batch");
    if (batch.next_batch.empty()) return tl::unexpected(std::string("sync response without next_batch"));
    const auto& rooms = child(response, "rooms");
    const auto& invite = child(rooms, "invite");
    const auto& join = child(rooms, "join");
    const auto& leave = child(rooms, "leave");
    if (invite.is_object()) {
        for (const auto& [id, room] : invite.items()) batch.invites.push_back(parse_invite(id, room, own_user_id));
    }
    if (join.is_object()) {
        for (const auto& [id, room] : join.items()) batch.joined.push_back(parse_joined(id, room));
    }
    if (leave.is_object()) {
        for (const auto& [id, room] : leave.items()) batch.left.push_back(id);
    }
    parse_direct(response, batch);
    return batch;
}

}  // namespace reframe::matrix
