#pragma once
/// How the SQLite store keeps transcript lines: a row holds the lines of one or a few turns
/// (schema 5; since schema 6 the newest wait in the session row, transcript_buffer.hpp),
/// as a JSON array of [at, turn, speaker, text]. A turn's lines were rows of their own
/// before, each with two index entries: writing them was the largest part of a turn's cost.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <tl/expected.hpp>

#include "reframe/session_store.hpp"

namespace reframe::transcript_rows {

/// The newest line's time (migration 5 gives a turn's row its lines' time; the lines of a
/// turn share one).
std::int64_t latest(std::span<const TranscriptLine> lines);
/// The oldest line's time (0 for none).
std::int64_t earliest(std::span<const TranscriptLine> lines);

/// The `lines` column for one turn's lines (at least one).
std::string encode(std::span<const TranscriptLine> lines);

/// Appends the lines of a `lines` column to `out`; an error names what is wrong with it.
tl::expected<void, std::string> decode(std::string_view column, std::vector<TranscriptLine>& out);

/// Migration 5: copies the rows of the old one-line-a-row table `transcripts` into
/// `transcript_turns` (created by the migration's SQL), one row per person, turn number
/// and time, in their order, then drops `transcripts`. A turn's lines were written
/// together with one time, so they are consecutive rows. Throws SQLite::Exception.
void regroup(SQLite::Database& db);

}  // namespace reframe::transcript_rows
