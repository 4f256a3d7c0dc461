// store_load: the SQLite session store alone, under batches of turns shaped like the ones
// `reframe serve` gives it (update_all, one transaction a batch), so that a change to the
// store can be measured without the network's noise. Each turn changes a session the way a
// turn of the bundled dialogues does (a few variables, the variants said last, the turn
// count) and appends a person's line and a reply of three bot lines to their transcript
// (everyone here agreed to one). The people of a batch are drawn at random.
//
// Prints one JSON line: CPU a turn (the whole process: the store's background
// checkpointer included, which is why the figure is process CPU), wall time a turn, and
// the file's size. Then reads every session back and exits 1 unless each holds exactly the
// turns it was given.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "sqlite_session_store.hpp"
#include "sqlite_wal_vfs.hpp"

namespace {

using reframe::SessionState;
using reframe::SessionStore;
using reframe::TranscriptLine;
using reframe::TurnWrites;

struct Options {
    std::string db = "bench/out/store_load.db";
    std::size_t people = 1'000;
    std::size_t batch = 84;  // the average batch of a 1,000 × 20 WebSocket load
    std::size_t turns = 50'000;
    std::size_t warmup = 10'000;
    std::uint32_t seed = 1;
};

/// Seconds on `clock`: CLOCK_PROCESS_CPUTIME_ID (every thread's CPU) or CLOCK_MONOTONIC.
double seconds_on(clockid_t clock) {
    timespec now{};
    clock_gettime(clock, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

/// What a turn of the bundled dialogues does to a session and its transcript.
void turn(SessionState& state, TurnWrites& writes) {
    static const std::string person = "im so useless, i cant even do the dishes without my back giving out";
    static const std::vector<std::string> reply = {
        "So this happened: you cannot even do the dishes without your back giving out. And then a harsh verdict "
        "about your whole self landed on top of it.",
        "That's a big label to put on a whole person because of one hard moment with a body that hurts. Many people "
        "living with chronic symptoms hear that same harsh voice on difficult days.",
        "Think of a friend in your place. What do you know about them that one hard moment can't cancel out?",
    };
    ++state.turns;
    state.at.flow = state.turns % 2 == 0 ? "reframe" : "checkin";
    state.at.state = "kind_comparing";
    state.vars["situation"] = "i can not even do the dishes without my back giving out";
    state.vars["friend_words"] =
        "you're carrying something other people can't see, and you're doing it in a body that asks a lot of you";
    state.vars["fit"] = "compassion_break";
    state.last_variant["reframe.step" + std::to_string(state.turns % 14)] = static_cast<int>(state.turns % 4);
    state.greeted = true;
    state.consent = "granted";
    const std::int64_t at = 1'795'763'932 + static_cast<std::int64_t>(state.turns);
    writes.transcript.push_back(TranscriptLine{at, state.turns, "person", person});
    for (const auto& line : reply) writes.transcript.push_back(TranscriptLine{at, state.turns, "bot", line});
}

int run(const Options& options) {
    std::error_code removed;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(options.db + suffix, removed);
    auto opened = reframe::SqliteSessionStore::open(options.db);
    if (!opened) {
        std::fprintf(stderr, "store_load: cannot open %s: %s\n", options.db.c_str(), opened.error().message.c_str());
        return 1;
    }
    auto& store = **opened;
    std::vector<std::string> people;
    for (std::size_t i = 0; i < options.people; ++i) people.push_back("conn:store-load-" + std::to_string(i));
    std::map<std::string, std::uint64_t> given;
    const SessionStore::Turn one = [](SessionState& state, bool, TurnWrites& writes) { turn(state, writes); };
    std::mt19937 random(options.seed);
    std::uniform_int_distribution<std::size_t> pick(0, people.size() - 1);

    // `count` turns in batches; false when one failed.
    const auto run_turns = [&](std::size_t count) {
        for (std::size_t done = 0; done < count;) {
            const std::size_t size = std::min(options.batch, count - done);
            std::vector<SessionStore::UserTurn> batch;
            for (std::size_t i = 0; i < size; ++i) {
                const std::string& who = people[pick(random)];
                ++given[who];
                batch.push_back(SessionStore::UserTurn{&who, &one});
            }
            for (const auto& result : store.update_all(batch)) {
                if (!result) {
                    std::fprintf(stderr, "store_load: a turn failed: %s\n", result.error().message.c_str());
                    return false;
                }
            }
            done += size;
        }
        return true;
    };
    if (!run_turns(options.warmup)) return 1;
    // The figures count the measured turns only.
    const auto before = reframe::sqlite_wal_vfs::counts();
    const double cpu_start = seconds_on(CLOCK_PROCESS_CPUTIME_ID);
    const double wall_start = seconds_on(CLOCK_MONOTONIC);
    if (!run_turns(options.turns)) return 1;
    const double cpu = seconds_on(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    const double wall = seconds_on(CLOCK_MONOTONIC) - wall_start;
    const auto after = reframe::sqlite_wal_vfs::counts();

    // Every session holds exactly the turns it was given.
    std::size_t wrong = 0;
    for (const auto& [who, count] : given) {
        const auto loaded = store.load(who);
        if (!loaded || !*loaded || (*loaded)->turns != count) ++wrong;
    }
    std::error_code ignored;
    const auto bytes = std::filesystem::file_size(options.db, ignored);
    const double per_turn = 1e6 / static_cast<double>(options.turns);  // --turns is at least 1
    std::printf(
        "{\"people\":%zu,\"batch\":%zu,\"turns\":%zu,\"cpu_us_per_turn\":%.2f,\"wall_us_per_turn\":%.2f,"
        "\"turns_per_s\":%.0f,\"log_writes\":%llu,\"frames_joined\":%llu,\"db_bytes\":%llu,\"sessions_wrong\":%zu}\n",
        options.people, options.batch, options.turns, cpu * per_turn, wall * per_turn,
        wall > 0 ? static_cast<double>(options.turns) / wall : 0.0,
        static_cast<unsigned long long>(after.log_writes - before.log_writes),
        static_cast<unsigned long long>(after.frames_joined - before.frames_joined),
        static_cast<unsigned long long>(bytes == static_cast<std::uintmax_t>(-1) ? 0 : bytes), wrong);
    if (wrong > 0) {
        std::fprintf(stderr, "store_load: %zu sessions do not hold the turns they were given\n", wrong);
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App app{"store_load: the SQLite session store alone under batches of turns; prints one JSON line"};
    app.add_option("--db", options.db, "database file (removed first, with its -wal and -shm)");
    app.add_option("--people", options.people, "people the turns are spread over")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
    app.add_option("--batch", options.batch, "turns a transaction")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
    app.add_option("--turns", options.turns, "turns measured")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000'000}));
    app.add_option("--warmup", options.warmup, "turns before the measured ones")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000'000}));
    app.add_option("--seed", options.seed, "seed of the random choice of people");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : 2;  // --help is 0; any usage error is 2
    }
    return run(options);
}
