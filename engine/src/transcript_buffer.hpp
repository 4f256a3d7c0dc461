#pragma once
/// A person's newest transcript lines wait in their session row (schema 6: `pending`,
/// `pending_since`) and go to `transcript_turns` a few turns at a time, as one row. The
/// session row is written every turn anyway; a row of its own, with its two index entries
/// at random places, was the largest part of a turn's writes (docs/benchmarks.md).
///
/// A row's time is its oldest line's, and its lines are at most `max_span` seconds newer
/// (add() writes the waiting lines out before a line that would break that, older or
/// newer): the retention purge never keeps a line past the retention time, and takes a line
/// at most `max_span` early, with an older one of its row. Lines still waiting are purged
/// one by one (drop_before).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reframe/session_store.hpp"

namespace reframe::transcript_buffer {

/// Lines waiting to be written: a `lines` column (transcript_rows::encode) and the oldest
/// one's time.
struct Pending {
    std::string lines;       // empty when nothing waits
    std::int64_t since = 0;  // the oldest line's time (`pending_since`)
    [[nodiscard]] bool empty() const { return lines.empty(); }
    bool operator==(const Pending&) const = default;
};

/// A transcript_turns row to insert: its `lines` and `at` (its oldest line's time).
struct Row {
    std::string lines;
    std::int64_t at = 0;
};

/// Once the waiting lines' column reaches this many bytes (about two turns), they are
/// written as a row.
inline constexpr std::size_t max_bytes = 512;
/// A row's lines span at most this many seconds.
inline constexpr std::int64_t max_span = 3600;

/// Adds one turn's lines (none: nothing happens). Returns the rows to insert, oldest first:
/// the lines already waiting when the new ones are more than max_span newer than the
/// oldest of them, and the whole buffer once it reaches max_bytes.
std::vector<Row> add(Pending& pending, std::span<const TranscriptLine> lines);

/// Drops the waiting lines written before `before`; returns how many went. `pending` was
/// read by from_row or built by add (were it unreadable, all of it would go, counted as one).
std::size_t drop_before(Pending& pending, std::int64_t before);

/// The waiting lines of a stored session row's `pending` column (`since` is their oldest
/// time, as `pending_since` holds it); an error names what is wrong with the column.
tl::expected<Pending, std::string> from_row(std::string_view column);

}  // namespace reframe::transcript_buffer
