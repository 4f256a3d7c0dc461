// Consent, transcripts, forget-me, export and retention, checked against the database
// file itself: what a person writes is stored only as the design says, and can be erased.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bundled.hpp"
#include "reframe/data_export.hpp"
#include "reframe/engine.hpp"
#include "reframe/loader.hpp"
#include "stored_lines.hpp"
#include "temp_dir.hpp"

using namespace reframe;
using reframe::testing::bundled;
using reframe::testing::slurp;
using reframe::testing::TempDir;
using json = nlohmann::json;

namespace {

constexpr std::int64_t day = 86'400;
constexpr std::int64_t start_time = 1'795'000'000;  // 2026-11-18

/// An engine over the bundled dialogues and a database file, with a clock the test moves.
struct Deployment {
    TempDir dir;
    std::string db = dir.file("reframe.db").string();
    std::shared_ptr<std::atomic<std::int64_t>> now = std::make_shared<std::atomic<std::int64_t>>(start_time);
    std::unique_ptr<Engine> engine;

    explicit Deployment(std::string locale = {}) {
        auto store = open_session_store(StoreOptions{db});
        REQUIRE(store);
        EngineOptions options;
        options.locale = std::move(locale);
        options.unix_clock = [clock = now] { return clock->load(); };
        engine = std::make_unique<Engine>(bundled(), std::move(*store), options);
    }

    Reply say(const std::string& user, const std::string& text) {
        auto reply = engine->respond(user, text);
        if (!reply) FAIL(reply.error().message);
        return *reply;
    }
};

std::string all_text(const Reply& reply) {
    std::string out;
    for (const auto& m : reply.messages) out += m + "\n";
    return out;
}

/// Rows about `user` in every table of the database that has a user_id column.
std::int64_t rows_about(const std::string& db_path, const std::string& user) {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
    std::int64_t rows = 0;
    int tables_with_users = 0;
    while (tables.executeStep()) {
        const std::string table = tables.getColumn(0).getString();
        SQLite::Statement columns(db, "SELECT count(*) FROM pragma_table_info(?) WHERE name = 'user_id'");
        columns.bind(1, table);
        REQUIRE(columns.executeStep());
        if (columns.getColumn(0).getInt() == 0) continue;
        ++tables_with_users;
        SQLite::Statement count(db, "SELECT count(*) FROM \"" + table + "\" WHERE user_id = ?");
        count.bind(1, user);
        REQUIRE(count.executeStep());
        rows += count.getColumn(0).getInt64();
    }
    CHECK(tables_with_users >= 2);  // sessions and transcripts at least
    return rows;
}

/// Transcript lines about `user`: in rows, and waiting in the session row.
std::int64_t transcript_lines(const std::string& db_path, const std::string& user) {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    return stored_line_count(db, user);
}

const std::string distinctive = "my sister Philippa found me crying over the unwashed casserole dish";

}  // namespace

TEST_CASE("first contact tells the person what is kept and asks before keeping a transcript", "[privacy]") {
    Deployment d;
    auto greeting = d.engine->greet("ana");
    REQUIRE(greeting);
    CHECK(greeting->state == "privacy.consent");
    const std::string notice = all_text(*greeting);
    CHECK_THAT(notice, Catch::Contains("transcript"));
    CHECK_THAT(notice, Catch::Contains("30 days"));  // settings.transcript_days
    CHECK_THAT(notice, Catch::Contains("forget me"));
    CHECK(greeting->options.size() == 2);

    SECTION("a first message without a greeting still gets the whole notice") {
        const auto reply = d.say("ben", "I'm useless, I couldn't even finish the dishes");
        CHECK(reply.state == "privacy.consent");
        CHECK_THAT(all_text(reply), Catch::Contains("until you ask me to forget you"));
        CHECK_THAT(all_text(reply), Catch::Contains("30 days"));
        CHECK(transcript_lines(d.db, "ben") == 0);
    }
    SECTION("choosing moves on to the conversation") {
        const auto reply = d.say("ana", "2");
        CHECK(reply.state == "reframe.opening");
        CHECK_THAT(all_text(reply), Catch::Contains("won't keep one"));
    }
}

TEST_CASE("without consent no transcript is kept; with it, both sides are", "[privacy]") {
    Deployment d;
    d.say("declines", "no transcript, thanks");
    d.say("declines", distinctive);
    d.say("declines", "i'd tell a friend they did their best");
    CHECK(transcript_lines(d.db, "declines") == 0);
    CHECK(rows_about(d.db, "declines") == 1);  // the session row only

    d.say("agrees", "yes, keep a transcript");
    CHECK(transcript_lines(d.db, "agrees") == 0);  // the turn that grants is not recorded
    const auto reply = d.say("agrees", distinctive);
    SQLite::Database db(d.db, SQLite::OPEN_READONLY);
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& line : stored_lines(db, "agrees")) {
        got.emplace_back(line.speaker, line.text);
        CHECK(line.at == start_time);
    }
    REQUIRE(got.size() == 1 + reply.messages.size());
    CHECK(got[0] == std::pair<std::string, std::string>{"person", distinctive});
    for (std::size_t i = 0; i < reply.messages.size(); ++i) CHECK(got[i + 1].second == reply.messages[i]);

    SECTION("withdrawing consent erases the transcript and stops it") {
        d.say("agrees", "stop the transcript");
        CHECK(transcript_lines(d.db, "agrees") == 0);
        // Rows and waiting lines overwritten, the log truncated: no copy stays in the files.
        CHECK((slurp(d.db) + slurp(d.db + "-wal")).find("Philippa") == std::string::npos);
        d.say("agrees", "my back hurts today");
        CHECK(transcript_lines(d.db, "agrees") == 0);
    }
}

TEST_CASE("forget me, confirmed, leaves zero rows about the person and no trace in the file", "[privacy]") {
    Deployment d;
    d.say("keeper", "yes keep a transcript");
    d.say("keeper", "i'm a burden to my husband");
    d.say("leaver", "yes please keep a transcript");
    d.say("leaver", distinctive);
    REQUIRE(rows_about(d.db, "leaver") >= 1);
    REQUIRE(transcript_lines(d.db, "leaver") > 0);
    REQUIRE((slurp(d.db) + slurp(d.db + "-wal")).find("Philippa") != std::string::npos);
    const auto keeper_rows = rows_about(d.db, "keeper");

    const auto ask = d.say("leaver", "please delete my data");
    CHECK(ask.state == "privacy.forget_confirm");
    // Nothing is erased before the person confirms.
    CHECK(rows_about(d.db, "leaver") >= 1);
    CHECK(transcript_lines(d.db, "leaver") > 0);

    SECTION("yes erases everything") {
        const auto done = d.say("leaver", "yes");
        CHECK_THAT(all_text(done), Catch::Contains("erased everything"));
        CHECK(done.state == "privacy.consent");  // a new person's first contact
        CHECK(rows_about(d.db, "leaver") == 0);
        CHECK(rows_about(d.db, "keeper") == keeper_rows);
        // secure_delete and the WAL checkpoint leave no copy in the files either.
        CHECK(slurp(d.db).find("Philippa") == std::string::npos);
        CHECK(slurp(d.db + "-wal").find("Philippa") == std::string::npos);
        // Writing again starts afresh, with the notice.
        CHECK(d.say("leaver", "hello").state == "privacy.consent");
    }
    SECTION("no keeps everything") {
        const auto kept = d.say("leaver", "no");
        CHECK_THAT(all_text(kept), Catch::Contains("left everything as it was"));
        CHECK(rows_about(d.db, "leaver") >= 1);
        CHECK(transcript_lines(d.db, "leaver") > 0);
    }
    SECTION("an operator can erase a person too") {
        auto erased = d.engine->forget("leaver");
        REQUIRE(erased);
        CHECK(*erased);
        CHECK(rows_about(d.db, "leaver") == 0);
        CHECK(rows_about(d.db, "keeper") == keeper_rows);
    }
}

TEST_CASE("export my data returns everything stored, and it round-trips", "[privacy]") {
    Deployment d;
    d.say("eve", "yes keep a transcript");
    d.say("eve", "I'm useless, I couldn't even finish the dishes");
    *d.now += 60;
    const auto reply = d.say("eve", "can I get a copy of my data");
    REQUIRE(reply.messages.size() >= 2);
    const json exported = json::parse(reply.messages.back());

    auto stored = d.engine->store().export_data("eve");
    REQUIRE(stored);
    REQUIRE(stored->session);
    const SessionState& session = *stored->session;

    CHECK(exported["format"] == "reframe-export");
    CHECK(exported["user"] == "eve");
    CHECK(exported["exported_at"] == iso_utc(start_time + 60));
    CHECK(exported["session"]["state"] == session.at.flow + "." + session.at.state);
    CHECK(exported["session"]["variables"] == json(session.vars));
    CHECK(exported["session"]["turns"] == session.turns);
    CHECK(exported["session"]["consent"] == "granted");
    CHECK(session.vars.at("situation") == "i could not even finish the dishes");

    // Every stored line comes back, in order, with its time, turn, speaker and text.
    const auto& lines = exported["transcript"];
    REQUIRE(lines.size() == stored->transcript.size());
    REQUIRE(lines.size() >= 3);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& line = stored->transcript[i];
        CHECK(lines[i]["at"] == iso_utc(line.at));
        CHECK(lines[i]["turn"] == line.turn);
        CHECK(lines[i]["speaker"] == line.speaker);
        CHECK(lines[i]["text"] == line.text);
    }
    CHECK(lines[0]["text"] == "I'm useless, I couldn't even finish the dishes");
    CHECK(lines[0]["speaker"] == "person");

    // The operator's export is the same document.
    auto by_operator = d.engine->export_data("eve");
    REQUIRE(by_operator);
    json operator_json = json::parse(*by_operator);
    // The export turn itself was recorded before the copy was made: both copies hold it.
    CHECK(operator_json["transcript"] == lines);
    CHECK(lines.back()["speaker"] == "bot");
    CHECK(operator_json["session"] == exported["session"]);

    SECTION("someone never seen exports as nothing") {
        auto empty = d.engine->export_data("nobody");
        REQUIRE(empty);
        const json nothing = json::parse(*empty);
        CHECK(nothing["session"].is_null());
        CHECK(nothing["transcript"].empty());
    }
}

TEST_CASE("transcripts older than the retention time are purged, newer ones stay", "[privacy]") {
    Deployment d;
    d.say("old", "yes keep a transcript");
    d.say("old", "my pain was bad today");
    *d.now += 20 * day;
    d.say("old", "i feel a bit better now");
    const auto before = transcript_lines(d.db, "old");
    REQUIRE(before >= 4);

    *d.now += 11 * day;  // the first lines are 31 days old, the later ones 11
    auto purged = d.engine->purge_expired();
    REQUIRE(purged);
    CHECK(*purged >= 2);
    CHECK(transcript_lines(d.db, "old") == before - *purged);
    SQLite::Database db(d.db, SQLite::OPEN_READONLY);
    const auto kept = stored_lines(db, "old");
    REQUIRE_FALSE(kept.empty());
    for (const auto& line : kept) CHECK(line.at == start_time + 20 * day);

    SECTION("respond purges by itself, at most once an hour") {
        *d.now += 30 * day;
        d.say("other", "hello");  // more than an hour since the last purge: purges
        CHECK(transcript_lines(d.db, "old") == 0);
    }
}

TEST_CASE("safety answers name the resources of the deployment's locale", "[privacy][safety]") {
    SECTION("the default locale points to international help") {
        Deployment d;
        d.say("p", "no");
        const auto reply = d.say("p", "everyone would be better off without me");
        CHECK(reply.safety == "crisis");
        CHECK_THAT(all_text(reply), Catch::Contains("findahelpline.com"));
    }
    SECTION("a UK deployment gives 999 and Samaritans") {
        Deployment d("gb");
        d.say("p", "no");
        const auto crisis = d.say("p", "everyone would be better off without me");
        CHECK_THAT(all_text(crisis), Catch::Contains("999"));
        CHECK_THAT(all_text(crisis), Catch::Contains("116 123"));
        const auto medical = d.say("q", "crushing pain in my chest spreading to my left arm");
        CHECK(medical.safety == "medical_urgent");
        CHECK_THAT(all_text(medical), Catch::Contains("999"));
    }
    SECTION("a US deployment gives 911 and 988") {
        Deployment d("us");
        const auto crisis = d.say("p", "i want to kill myself");
        CHECK(crisis.safety == "crisis");
        CHECK_THAT(all_text(crisis), Catch::Contains("911"));
        CHECK_THAT(all_text(crisis), Catch::Contains("988"));
    }
    SECTION("every bundled locale gives every resource") {
        const auto& resources = bundled()->resources;
        const auto& reference = resources.locales.at(resources.default_locale);
        CHECK(resources.locales.size() >= 5);
        for (const auto& [locale, texts] : resources.locales) {
            INFO(locale);
            CHECK(texts.size() == reference.size());
        }
    }
}

TEST_CASE("a crisis at first contact is answered before any privacy question", "[privacy][safety]") {
    Deployment d;
    const auto reply = d.say("new", "i have been saving up my pills to take them all");
    CHECK(reply.safety == "crisis");
    CHECK(reply.state == "safety.crisis");
    CHECK(transcript_lines(d.db, "new") == 0);
}
