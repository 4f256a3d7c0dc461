#include "transcript_rows.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reframe/json_string.hpp"

namespace reframe::transcript_rows {

std::int64_t latest(std::span<const TranscriptLine> lines) {
    std::int64_t at = lines.empty() ? 0 : lines.front().at;
    for (const auto& line : lines) at = std::max(at, line.at);
    return at;
}

std::int64_t earliest(std::span<const TranscriptLine> lines) {
    std::int64_t at = lines.empty() ? 0 : lines.front().at;
    for (const auto& line : lines) at = std::min(at, line.at);
    return at;
}

std::string encode(std::span<const TranscriptLine> lines) {
    std::string out = "[";
    for (const auto& line : lines) {
        if (out.size() > 1) out += ',';
        out += '[';
        out += std::to_string(line.at);
        out += ',';
        out += std::to_string(line.turn);
        out += ',';
        append_json_string(out, line.speaker);
        out += ',';
        append_json_string(out, line.text);
        out += ']';
    }
    out += ']';
    return out;
}

tl::expected<void, std::string> decode(std::string_view column, std::vector<TranscriptLine>& out) {
    const auto rows = nlohmann::json::parse(column, nullptr, false);
    if (!rows.is_array()) return tl::unexpected(std::string{"the lines are not a JSON array"});
    for (const auto& row : rows) {
        if (!row.is_array() || row.size() != 4 || !row[0].is_number_integer() || !row[1].is_number_unsigned() ||
            !row[2].is_string() || !row[3].is_string()) {
            return tl::unexpected(std::string{"a line is not [at, turn, speaker, text]"});
        }
        out.push_back(TranscriptLine{row[0].get<std::int64_t>(), row[1].get<std::uint64_t>(), row[2].get<std::string>(),
                                     row[3].get<std::string>()});
    }
    return {};
}

void regroup(SQLite::Database& db) {
    SQLite::Statement read(db, "SELECT user_id, user_key, at, turn, speaker, text FROM transcripts ORDER BY id");
    SQLite::Statement write(db, "INSERT INTO transcript_turns (user_id, user_key, at, lines) VALUES (?, ?, ?, ?)");
    std::string user;
    std::int64_t key = 0;
    std::vector<TranscriptLine> turn;
    const auto flush = [&] {
        if (turn.empty()) return;
        write.reset();
        write.bind(1, user);
        write.bind(2, key);
        write.bind(3, latest(turn));
        write.bind(4, encode(turn));
        write.exec();
        turn.clear();
    };
    while (read.executeStep()) {
        TranscriptLine line{read.getColumn(2).getInt64(), static_cast<std::uint64_t>(read.getColumn(3).getInt64()),
                            read.getColumn(4).getString(), read.getColumn(5).getString()};
        std::string owner = read.getColumn(0).getString();
        // A greeting records its lines under the turn number of the message before it, so
        // a new time also starts a new row (all lines of one turn share its time).
        if (turn.empty() || owner != user || turn.front().turn != line.turn || turn.front().at != line.at) {
            flush();
            user = std::move(owner);
            key = read.getColumn(1).getInt64();
        }
        turn.push_back(std::move(line));
    }
    flush();
    db.exec("DROP TABLE transcripts");
}

}  // namespace reframe::transcript_rows
