#include "bot.hpp"

#include <chrono>
#include <map>

#include <spdlog/logger.h>

#include "bot_work.hpp"
#include "worker_pool.hpp"

namespace reframe::matrix {
namespace {

constexpr std::chrono::milliseconds backoff_base{500};
constexpr std::int64_t handled_kept_ms = 7LL * 24 * 60 * 60 * 1000;  // event ids remembered this long

}  // namespace

Bot::Bot(MatrixConfig config, Secret secret, Engine& engine, BotStore& store, std::shared_ptr<spdlog::logger> log,
         BotOptions options)
    : config_(std::move(config)),
      engine_(engine),
      store_(store),
      log_(std::move(log)),
      options_(std::move(options)),
      auth_(config_, std::move(secret), store_, log_) {}

Bot::~Bot() { stopper_.clear_hooks(); }

std::int64_t Bot::now_ms() const {
    if (options_.unix_ms) return options_.unix_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string Bot::fatal_error() const {
    const std::lock_guard lock(fatal_mutex_);
    return fatal_;
}

void Bot::fail(const std::string& why) {
    {
        const std::lock_guard lock(fatal_mutex_);
        if (fatal_.empty()) fatal_ = why;
    }
    if (log_) log_->error("matrix: {}", why);
    stopper_.abort();
}

RetryContext Bot::retry_context(bool give_up_on_stop) {
    return RetryContext{auth_, stopper_, backoff_base, std::chrono::milliseconds(config_.backoff_cap_ms),
                        give_up_on_stop};
}

tl::expected<void, std::string> Bot::check() {
    auto base = parse_base_url(config_.homeserver);
    if (!base) return tl::unexpected(base.error());
    ClientApi api(*base, std::chrono::milliseconds(config_.request_timeout_ms));
    auto token = auth_.start(api, true);
    if (!token) return tl::unexpected("cannot log in to " + config_.homeserver + ": " + token.error().message);
    return {};
}

bool Bot::log_in(ClientApi& api) {
    Backoff backoff(backoff_base, std::chrono::milliseconds(config_.backoff_cap_ms),
                    static_cast<std::uint64_t>(now_ms()));
    for (;;) {
        auto token = auth_.start(api);
        if (token) return true;
        if (token.error().kind == ApiError::Kind::cancelled) return false;
        if (!retryable(token.error())) {
            fail("cannot log in to " + config_.homeserver + ": " + token.error().message);
            return false;
        }
        if (log_) log_->warn("matrix: login failed ({}); trying again", token.error().message);
        if (!stopper_.sleep_for(backoff.next(), true)) return false;
    }
}

int Bot::run() {
    auto base = parse_base_url(config_.homeserver);
    if (!base) {
        fail(base.error());
        return 1;
    }
    const auto timeout = std::chrono::milliseconds(config_.request_timeout_ms);
    ClientApi api(*base, timeout);
    stopper_.on_stop([&api] { api.cancel(); });
    int code = 0;
    if (log_in(api)) {
        WorkerPool pool(config_.workers, [&] { return std::make_unique<ClientApi>(*base, timeout); });
        stopper_.on_abort([&pool] { pool.cancel(); });
        std::string since = store_.get("next_batch");
        bool first = since.empty();
        if (log_) log_->info("matrix: syncing{}", first ? " for the first time (no backlog is answered)" : "");
        while (!stopper_.stopping() && sync_once(api, pool, since, first)) first = false;
        stopper_.clear_hooks();
    }
    stopper_.clear_hooks();
    if (!fatal_error().empty()) code = 1;
    if (log_) log_->info("matrix: stopped");
    return code;
}

bool Bot::sync_once(ClientApi& api, WorkerPool& pool, std::string& since, bool first) {
    auto context = retry_context(true);
    const auto filter = sync_filter();
    const int wait = first ? 0 : config_.sync_timeout_ms;
    auto response = with_retry<nlohmann::json>(api, context, [&](ClientApi& a) { return a.sync(since, filter, wait); });
    if (!response) {
        if (response.error().kind != ApiError::Kind::cancelled) fail("sync: " + response.error().message);
        return false;
    }
    auto batch = parse_sync(*response, config_.user_id);
    if (!batch) {
        if (log_) log_->warn("matrix: {}", batch.error());
        return stopper_.sleep_for(backoff_base * 4, true);
    }
    try {
        if (!handle_batch(api, pool, *batch, first))
            return !stopper_.stopping() && stopper_.sleep_for(backoff_base * 4, true);
        store_.put("next_batch", batch->next_batch);
        since = batch->next_batch;
        store_.prune_handled(now_ms() - handled_kept_ms);
        send_reminders(api);
    } catch (const BotStoreError& e) {
        if (log_) log_->error("matrix: {}", e.what());
        return stopper_.sleep_for(backoff_base * 4, true);
    }
    return true;
}

bool Bot::handle_batch(ClientApi& api, WorkerPool& pool, const SyncBatch& batch, bool first) {
    note_direct_rooms(batch);
    handle_invites(api, batch);
    for (const auto& room : batch.left) store_.forget_room(room);
    auto work = collect_work(api, batch, first);
    if (!work.empty() && log_) log_->debug("matrix: {} messages to answer", work.size());
    std::map<std::string, std::vector<Work>> by_person;
    for (auto& w : work) by_person[w.event.sender].push_back(std::move(w));
    std::atomic<bool> complete{true};
    std::vector<WorkerPool::Job> jobs;
    for (auto& [sender, items] : by_person) {
        jobs.push_back([this, &complete, items = std::move(items)](ClientApi& worker) {
            if (!handle_person(worker, items)) complete = false;
        });
    }
    pool.run_all(std::move(jobs));
    // A batch not handled to the end is not saved: the next sync (or the restart) gets
    // it again, and the event ids already handled are skipped.
    // Stopping: an invite or a reply may have been cut short; a replay is harmless.
    return complete && !stopper_.stopping();
}

}  // namespace reframe::matrix
