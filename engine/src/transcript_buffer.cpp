#include "transcript_buffer.hpp"

#include <utility>

#include "transcript_rows.hpp"

namespace reframe::transcript_buffer {
namespace {

Row take(Pending& pending) {
    Row row{std::move(pending.lines), pending.since};
    pending = Pending{};
    return row;
}

}  // namespace

std::vector<Row> add(Pending& pending, std::span<const TranscriptLine> lines) {
    std::vector<Row> rows;
    if (lines.empty()) return rows;
    const std::int64_t first = transcript_rows::earliest(lines);
    const std::int64_t last = transcript_rows::latest(lines);
    // A row's lines stay within max_span of its oldest one, even when the clock goes back.
    if (!pending.empty() && (first < pending.since || last - pending.since > max_span)) rows.push_back(take(pending));
    std::string encoded = transcript_rows::encode(lines);
    if (pending.empty()) {
        pending = Pending{std::move(encoded), first};
    } else {
        // Both are JSON arrays as encode() writes them: "[a,b]" + "[c]" is "[a,b,c]".
        pending.lines.back() = ',';
        pending.lines.append(encoded, 1);
    }
    if (pending.lines.size() >= max_bytes) rows.push_back(take(pending));
    return rows;
}

std::size_t drop_before(Pending& pending, std::int64_t before) {
    if (pending.empty() || pending.since >= before) return 0;
    std::vector<TranscriptLine> lines;
    if (!transcript_rows::decode(pending.lines, lines)) {
        pending = Pending{};  // never happens (see the header); if it did, nothing old may stay
        return 1;
    }
    const auto dropped = std::erase_if(lines, [before](const TranscriptLine& line) { return line.at < before; });
    pending = lines.empty() ? Pending{} : Pending{transcript_rows::encode(lines), transcript_rows::earliest(lines)};
    return dropped;
}

tl::expected<Pending, std::string> from_row(std::string_view column) {
    if (column.empty()) return Pending{};
    std::vector<TranscriptLine> lines;
    if (auto decoded = transcript_rows::decode(column, lines); !decoded) return tl::unexpected(decoded.error());
    if (lines.empty()) return Pending{};
    // Written again as encode() writes it, so that add() can append to it.
    return Pending{transcript_rows::encode(lines), transcript_rows::earliest(lines)};
}

}  // namespace reframe::transcript_buffer
