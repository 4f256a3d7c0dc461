#pragma once
/// What the bot keeps in its SQLite file (the `db:` of the config, shared with the engine's
/// sessions): its own state (sync token, access token, device, handled events, rooms) and,
/// per person, the Matrix side of their conversation.
///
/// Per-person rows live in tables with a `user_id` column holding the engine's user id
/// ("matrix:@alice:example.org"), and forget_person() erases them; the bot's own rows
/// (matrix_kv, matrix_handled, matrix_rooms, matrix_refused) have no `user_id` column.
///
/// Thread-safety: every method may be called from any thread; one connection behind a
/// mutex. Methods throw BotStoreError when SQLite fails.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace SQLite {
class Database;
}

namespace reframe::matrix {

struct BotStoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The Matrix side of one person's conversation.
struct Person {
    std::string user_id;                  // the engine's id: "matrix:@alice:example.org"
    std::string room_id;                  // the room the bot answers them in
    std::vector<std::string> options;     // the numbered options shown last
    bool paused = false;                  // !pause: no reminders (messages are still answered)
    int remind_minute = -1;               // minute of the day for the daily check-in, -1: none
    std::int64_t last_reminded_day = -1;  // days since the epoch of the last reminder
    bool forget_asked = false;            // !forget waits for "!forget yes"
};

/// What is known about a room.
struct RoomInfo {
    std::string room_id;
    bool known = false;              // there is a row
    bool direct = false;             // a DM (is_direct or m.direct)
    bool live = false;               // joined and past the messages from before the bot joined
    bool encryption_notice = false;  // the "I cannot read encrypted messages" notice was sent
};

/// One message of a reply, stored before it is sent so that a retry sends the same text
/// with the same transaction id.
struct OutboxPart {
    int part = 0;
    std::string room_id;
    std::string content;  // the JSON of the event content
};

class BotStore {
public:
    /// Opens (creating owner-only, and adding the bot's tables to) the SQLite file.
    static tl::expected<std::unique_ptr<BotStore>, std::string> open(const std::string& path);
    ~BotStore();

    std::string get(const std::string& key);
    void put(const std::string& key, const std::string& value);
    void erase_key(const std::string& key);

    bool handled(const std::string& event_id);
    void mark_handled(const std::string& event_id, std::int64_t at);
    void prune_handled(std::int64_t before);

    void put_outbox(const std::string& user_id, const std::string& event_id, const std::vector<OutboxPart>& parts);
    std::vector<OutboxPart> outbox(const std::string& event_id);
    void mark_sent(const std::string& event_id, int part);

    RoomInfo room(const std::string& room_id);
    void save_room(const RoomInfo& room);
    void forget_room(const std::string& room_id);

    std::optional<Person> person(const std::string& user_id);
    void save_person(const Person& person);
    void forget_person(const std::string& user_id);
    std::vector<Person> people_with_reminders();

    /// True the first time it is called for `mxid` (someone not on the allow-list).
    bool first_refusal(const std::string& mxid);

private:
    explicit BotStore(std::unique_ptr<SQLite::Database> db);
    std::mutex mutex_;
    std::unique_ptr<SQLite::Database> db_;
};

}  // namespace reframe::matrix
