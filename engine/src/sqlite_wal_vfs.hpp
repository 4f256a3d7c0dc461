#pragma once
/// An SQLite VFS over the default one that writes a transaction's log frames with one
/// write call instead of two a frame.
///
/// SQLite writes each frame of the write-ahead log as two calls: its 24-byte header, then
/// its page. This VFS keeps a transaction's frames in memory while they follow one another
/// and writes them as one block: with the commit frame's page, once 60 KiB wait, and
/// before anything else happens to the log (a read, a sync, a truncation, a size query, a
/// write elsewhere) or to its database's shared memory (a lock or a barrier: where other
/// connections learn of a commit). The log's bytes, their order against every read, sync
/// and lock, and what a killed process leaves behind are SQLite's own; only the number of
/// calls changes. Every other file passes straight through.
///
/// docs/developers.md ("The log's frames in one write") gives the reasoning against
/// SQLite's wal.c, and tests/test_sqlite_wal_vfs.cpp checks it, killed processes included.

#include <cstdint>

namespace reframe::sqlite_wal_vfs {

/// Registers the VFS with SQLite once (not as the default) and returns its name, for
/// sqlite3_open_v2(). Thread-safe.
const char* name();

/// Counters for tests, over the process: write calls made to log files, frames written in
/// blocks, and logs opened beside their connection's database file (whose shared-memory
/// locks and barrier then write the log's block first).
struct Counts {
    std::uint64_t log_writes = 0;
    std::uint64_t frames_joined = 0;
    std::uint64_t logs_paired = 0;
};
Counts counts();

}  // namespace reframe::sqlite_wal_vfs
