#pragma once
/// What the SQLite store keeps of a person's transcript, read straight from the file: the
/// rows of transcript_turns and the newest lines still waiting in the session row (schema
/// 6, engine/src/transcript_buffer.hpp). Tests count lines through these, so that they do
/// not depend on when the waiting lines are moved to a row.

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

/// Every stored line of `user`: one `l.value` ([at, turn, speaker, text]) a row; sort by
/// `t.part, t.id, l.key` for the oldest first.
inline const std::string stored_lines_from =
    " FROM (SELECT 0 AS part, id, lines FROM transcript_turns WHERE user_id = ?1"
    " UNION ALL SELECT 1, 0, pending FROM sessions WHERE user_id = ?1 AND pending IS NOT NULL) t,"
    " json_each(t.lines) l";

/// How many lines are stored for `user`.
inline std::int64_t stored_line_count(SQLite::Database& db, const std::string& user) {
    SQLite::Statement count(db, "SELECT count(*)" + stored_lines_from);
    count.bind(1, user);
    count.executeStep();
    return count.getColumn(0).getInt64();
}

/// A stored line's time, speaker and text.
struct StoredLine {
    std::int64_t at = 0;
    std::string speaker;
    std::string text;
    bool operator==(const StoredLine&) const = default;
};

/// The lines stored for `user`, oldest first.
inline std::vector<StoredLine> stored_lines(SQLite::Database& db, const std::string& user) {
    SQLite::Statement lines(db,
                            "SELECT json_extract(l.value, '$[0]'), json_extract(l.value, '$[2]'),"
                            " json_extract(l.value, '$[3]')" +
                                stored_lines_from + " ORDER BY t.part, t.id, l.key");
    lines.bind(1, user);
    std::vector<StoredLine> out;
    while (lines.executeStep()) {
        out.push_back(
            StoredLine{lines.getColumn(0).getInt64(), lines.getColumn(1).getString(), lines.getColumn(2).getString()});
    }
    return out;
}

/// Every session row's waiting lines agree with its `pending_since`: both or neither, and
/// the time is the oldest waiting line's (the retention purge finds them by it).
inline void check_waiting_lines(SQLite::Database& db) {
    CHECK(db.execAndGet("SELECT count(*) FROM sessions WHERE (pending IS NULL) != (pending_since IS NULL)").getInt() ==
          0);
    CHECK(db.execAndGet("SELECT count(*) FROM sessions WHERE pending IS NOT NULL AND json_valid(pending) AND"
                        " pending_since != (SELECT min(json_extract(value, '$[0]')) FROM json_each(sessions.pending))")
              .getInt() == 0);
}
