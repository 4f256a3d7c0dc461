#include "bot_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

namespace reframe::matrix {
namespace {

constexpr const char* schema =
    "CREATE TABLE IF NOT EXISTS matrix_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS matrix_handled (event_id TEXT PRIMARY KEY, at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS matrix_handled_by_time ON matrix_handled (at);"
    "CREATE TABLE IF NOT EXISTS matrix_rooms (room_id TEXT PRIMARY KEY, direct INTEGER NOT NULL,"
    " live INTEGER NOT NULL, encryption_notice INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS matrix_refused (mxid TEXT PRIMARY KEY);"
    "CREATE TABLE IF NOT EXISTS matrix_people (user_id TEXT PRIMARY KEY, room_id TEXT NOT NULL,"
    " options TEXT NOT NULL, paused INTEGER NOT NULL, remind_minute INTEGER NOT NULL,"
    " last_reminded_day INTEGER NOT NULL, forget_asked INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS matrix_outbox (user_id TEXT NOT NULL, event_id TEXT NOT NULL,"
    " part INTEGER NOT NULL, room_id TEXT NOT NULL, content TEXT NOT NULL, PRIMARY KEY (event_id, part));"
    "CREATE INDEX IF NOT EXISTS matrix_outbox_by_user ON matrix_outbox (user_id);";

/// Runs `body` under the lock, turning SQLite's exceptions into BotStoreError.
template <class F>
auto guarded(std::mutex& mutex, F&& body) {
    const std::lock_guard lock(mutex);
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        throw BotStoreError(std::string("bot store: ") + e.what());
    }
}

Person read_person(SQLite::Statement& q) {
    Person p;
    p.user_id = q.getColumn(0).getString();
    p.room_id = q.getColumn(1).getString();
    const auto options = nlohmann::json::parse(q.getColumn(2).getString(), nullptr, false);
    if (options.is_array()) {
        for (const auto& o : options) {
            if (o.is_string()) p.options.push_back(o.get<std::string>());
        }
    }
    p.paused = q.getColumn(3).getInt() != 0;
    p.remind_minute = q.getColumn(4).getInt();
    p.last_reminded_day = q.getColumn(5).getInt64();
    p.forget_asked = q.getColumn(6).getInt() != 0;
    return p;
}

constexpr const char* person_columns =
    "SELECT user_id, room_id, options, paused, remind_minute, last_reminded_day, forget_asked FROM matrix_people";

}  // namespace

BotStore::BotStore(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
BotStore::~BotStore() = default;

tl::expected<std::unique_ptr<BotStore>, std::string> BotStore::open(const std::string& path) {
    // Health data: the file is created owner-only before SQLite opens it.
    const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) return tl::unexpected("cannot open " + path);
    ::close(fd);
    try {
        auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db->setBusyTimeout(5000);
        db->exec("PRAGMA journal_mode=WAL");
        db->exec("PRAGMA synchronous=NORMAL");
        db->exec(schema);
        return std::unique_ptr<BotStore>(new BotStore(std::move(db)));
    } catch (const SQLite::Exception& e) {
        return tl::unexpected("cannot open " + path + ": " + e.what());
    }
}

std::string BotStore::get(const std::string& key) {
    return guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "SELECT value FROM matrix_kv WHERE key = ?");
        q.bind(1, key);
        return q.executeStep() ? q.getColumn(0).getString() : std::string{};
    });
}

void BotStore::put(const std::string& key, const std::string& value) {
    guarded(mutex_, [&] {
        SQLite::Statement q(*db_,
                            "INSERT INTO matrix_kv (key, value) VALUES (?, ?)"
                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        q.bind(1, key);
        q.bind(2, value);
        q.exec();
    });
}

void BotStore::erase_key(const std::string& key) {
    guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "DELETE FROM matrix_kv WHERE key = ?");
        q.bind(1, key);
        q.exec();
    });
}

bool BotStore::handled(const std::string& event_id) {
    return guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "SELECT 1 FROM matrix_handled WHERE event_id = ?");
        q.bind(1, event_id);
        return q.executeStep();
    });
}

void BotStore::mark_handled(const std::string& event_id, std::int64_t at) {
    guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "INSERT OR IGNORE INTO matrix_handled (event_id, at) VALUES (?, ?)");
        q.bind(1, event_id);
        q.bind(2, at);
        q.exec();
    });
}

void BotStore::prune_handled(std::int64_t before) {
    guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "DELETE FROM matrix_handled WHERE at < ?");
        q.bind(1, before);
        q.exec();
    });
}

void BotStore::put_outbox(const std::string& user_id, const std::string& event_id,
                          const std::vector<OutboxPart>& parts) {
    guarded(mutex_, [&] {
        SQLite::Transaction transaction(*db_);
        SQLite::Statement q(*db_,
                            "INSERT OR REPLACE INTO matrix_outbox (user_id, event_id, part, room_id, content)"
                            " VALUES (?, ?, ?, ?, ?)");
        for (const auto& p : parts) {
            q.reset();
            q.bind(1, user_id);
            q.bind(2, event_id);
            q.bind(3, p.part);
            q.bind(4, p.room_id);
            q.bind(5, p.content);
            q.exec();
        }
        transaction.commit();
    });
}

std::vector<OutboxPart> BotStore::outbox(const std::string& event_id) {
    return guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "SELECT part, room_id, content FROM matrix_outbox WHERE event_id = ? ORDER BY part");
        q.bind(1, event_id);
        std::vector<OutboxPart> parts;
        while (q.executeStep()) {
            parts.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(), q.getColumn(2).getString()});
        }
        return parts;
    });
}

void BotStore::mark_sent(const std::string& event_id, int part) {
    guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "DELETE FROM matrix_outbox WHERE event_id = ? AND part = ?");
        q.bind(1, event_id);
        q.bind(2, part);
        q.exec();
    });
}

RoomInfo BotStore::room(const std::string& room_id) {
    return guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "SELECT direct, live, encryption_notice FROM matrix_rooms WHERE room_id = ?");
        q.bind(1, room_id);
        RoomInfo info;
        info.room_id = room_id;
        if (q.executeStep()) {
            info.known = true;
            info.direct = q.getColumn(0).getInt() != 0;
            info.live = q.getColumn(1).getInt() != 0;
            info.encryption_notice = q.getColumn(2).getInt() != 0;
        }
        return info;
    });
}

void BotStore::save_room(const RoomInfo& room) {
    guarded(mutex_, [&] {
        SQLite::Statement q(*db_,
                            "INSERT OR REPLACE INTO matrix_rooms (room_id, direct, live, encryption_notice)"
                            " VALUES (?, ?, ?, ?)");
        q.bind(1, room.room_id);
        q.bind(2, room.direct ? 1 : 0);
        q.bind(3, room.live ? 1 : 0);
        q.bind(4, room.encryption_notice ? 1 : 0);
        q.exec();
    });
}

void BotStore::forget_room(const std::string& room_id) {
    guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "DELETE FROM matrix_rooms WHERE room_id = ?");
        q.bind(1, room_id);
        q.exec();
    });
}

std::optional<Person> BotStore::person(const std::string& user_id) {
    return guarded(mutex_, [&]() -> std::optional<Person> {
        SQLite::Statement q(*db_, std::string(person_columns) + " WHERE user_id = ?");
        q.bind(1, user_id);
        if (!q.executeStep()) return std::nullopt;
        return read_person(q);
    });
}

void BotStore::save_person(const Person& p) {
    guarded(mutex_, [&] {
        SQLite::Statement q(*db_,
                            "INSERT OR REPLACE INTO matrix_people (user_id, room_id, options, paused,"
                            " remind_minute, last_reminded_day, forget_asked) VALUES (?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, p.user_id);
        q.bind(2, p.room_id);
        q.bind(3, nlohmann::json(p.options).dump());
        q.bind(4, p.paused ? 1 : 0);
        q.bind(5, p.remind_minute);
        q.bind(6, p.last_reminded_day);
        q.bind(7, p.forget_asked ? 1 : 0);
        q.exec();
    });
}

void BotStore::forget_person(const std::string& user_id) {
    guarded(mutex_, [&] {
        SQLite::Transaction transaction(*db_);
        for (const char* sql :
             {"DELETE FROM matrix_people WHERE user_id = ?", "DELETE FROM matrix_outbox WHERE user_id = ?"}) {
            SQLite::Statement q(*db_, sql);
            q.bind(1, user_id);
            q.exec();
        }
        transaction.commit();
    });
}

std::vector<Person> BotStore::people_with_reminders() {
    return guarded(mutex_, [&] {
        SQLite::Statement q(*db_, std::string(person_columns) + " WHERE remind_minute >= 0");
        std::vector<Person> people;
        while (q.executeStep()) people.push_back(read_person(q));
        return people;
    });
}

bool BotStore::first_refusal(const std::string& mxid) {
    return guarded(mutex_, [&] {
        SQLite::Statement q(*db_, "INSERT OR IGNORE INTO matrix_refused (mxid) VALUES (?)");
        q.bind(1, mxid);
        return q.exec() > 0;
    });
}

}  // namespace reframe::matrix
