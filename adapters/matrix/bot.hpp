#pragma once
/// The Matrix bot: logs in, long-polls /sync, joins rooms it is invited to by people on
/// the allow-list, and answers each message through the engine exactly once.
///
/// Exactly once: a batch's next_batch is saved only after every event in it is handled;
/// each handled event id is kept; a reply is stored (outbox) before it is sent and each
/// part is sent with a transaction id derived from the event id and part number, so a
/// crash at any point neither loses an answer nor sends one twice.
///
/// Thread-safety: run() on one thread; stop() and abort() from any thread (signals).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/fwd.h>

#include "auth.hpp"
#include "bot_store.hpp"
#include "client_api.hpp"
#include "config.hpp"
#include "reframe/engine.hpp"
#include "retry.hpp"
#include "stopper.hpp"
#include "sync_batch.hpp"
#include "worker_pool.hpp"

namespace reframe::matrix {

struct BotOptions {
    /// The time now in unix milliseconds (reminders, pruning); empty: the system clock.
    std::function<std::int64_t()> unix_ms;
};

class Bot {
public:
    Bot(MatrixConfig config, Secret secret, Engine& engine, BotStore& store, std::shared_ptr<spdlog::logger> log,
        BotOptions options = {});
    ~Bot();
    Bot(const Bot&) = delete;
    Bot& operator=(const Bot&) = delete;

    /// Logs in (or checks the token) and returns; for `reframe matrix --check`.
    tl::expected<void, std::string> check();

    /// Logs in and syncs until stop() or abort(); 0 after a clean stop, 1 after a fatal error
    /// (the reason is logged and in fatal_error()).
    int run();

    /// Finish the replies in flight, save, return from run().
    void stop() { stopper_.stop(); }
    /// Return from run() as soon as possible (a second signal, or a stop that takes too long).
    void abort() { stopper_.abort(); }

    std::string fatal_error() const;

    /// The engine's id for a Matrix user: "matrix:" + mxid.
    static std::string engine_user(const std::string& mxid) { return "matrix:" + mxid; }

private:
    struct Work;
    // bot.cpp: the loop
    bool log_in(ClientApi& api);
    bool sync_once(ClientApi& api, WorkerPool& pool, std::string& since, bool first);
    bool handle_batch(ClientApi& api, WorkerPool& pool, const SyncBatch& batch, bool first);
    RetryContext retry_context(bool give_up_on_stop);
    void fail(const std::string& why);
    std::int64_t now_ms() const;
    // bot_rooms.cpp: invites, membership, which messages to answer
    void note_direct_rooms(const SyncBatch& batch);
    void handle_invites(ClientApi& api, const SyncBatch& batch);
    std::vector<Work> collect_work(ClientApi& api, const SyncBatch& batch, bool first);
    bool room_events(ClientApi& api, const JoinedRoom& room, RoomInfo& info, bool first, std::vector<Work>& work);
    void send_encryption_notice(ClientApi& api, RoomInfo& info);
    // bot_messages.cpp: one message, one reply
    bool handle_person(ClientApi& api, const std::vector<Work>& items);
    bool handle_message(ClientApi& api, const Work& work);
    bool addressed_to_bot(const Work& work, std::string& text) const;
    std::vector<std::string> answer(const Work& work, const std::string& text, std::vector<std::string>& options,
                                    std::vector<int>& pauses);
    bool deliver(ClientApi& api, const std::string& key, const std::string& receipt_for,
                 const std::vector<OutboxPart>& parts, const std::vector<int>& pauses);
    bool send_part(ClientApi& api, const std::string& room_id, const std::string& txn, const std::string& content);
    bool send_notice(ClientApi& api, const std::string& key, const std::string& user, const std::string& room_id,
                     const std::vector<std::string>& messages);
    void after_turn(const std::string& user, const std::string& room_id, const std::vector<std::string>& options);
    // bot_commands.cpp: !help, !pause, !resume, !forget, !export, !remind; reminders
    static bool is_command(const std::string& text);
    std::vector<std::string> run_command(const std::string& user, const std::string& room_id, const std::string& text);
    void send_reminders(ClientApi& api);

    MatrixConfig config_;
    Engine& engine_;
    BotStore& store_;
    std::shared_ptr<spdlog::logger> log_;
    BotOptions options_;
    Stopper stopper_;
    Auth auth_;
    mutable std::mutex fatal_mutex_;
    std::string fatal_;
};

}  // namespace reframe::matrix
