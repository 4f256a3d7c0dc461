#include "sqlite_wal_vfs.hpp"

#include <atomic>
#include <cstddef>
#include <new>
#include <vector>

#include <sqlite3.h>

namespace reframe::sqlite_wal_vfs {
namespace {

/// wal.c's layout: a frame is a 24-byte header, whose bytes 4 – 7 are the database's size
/// in pages after a commit frame and zero in any other frame, then a page.
constexpr int frame_header_size = 24;
/// Once this many bytes wait, the block is written. The default VFS writes at most 0x1ffff
/// bytes a call (os_unix.c's seekAndWriteFd masks the length), and a frame holds at most a
/// 65,536-byte page: a block never reaches that.
constexpr std::size_t block_limit = std::size_t{60} * 1024;
constexpr int largest_page = 65'536;
static_assert(block_limit - 1 + frame_header_size + largest_page <= 0x1ffff);

std::atomic<std::uint64_t> log_writes{0};
std::atomic<std::uint64_t> frames_joined{0};
std::atomic<std::uint64_t> logs_paired{0};

struct File {
    sqlite3_file base;          // first: SQLite sees a sqlite3_file
    sqlite3_file* real;         // the default VFS's file, in the bytes after this struct
    File* log = nullptr;        // a database file: its connection's log, while both are open
    File* database = nullptr;   // a log paired with its connection's database file (only such a log keeps frames)
    std::vector<char> waiting;  // a log's frames not yet written, from offset `start`
    sqlite3_int64 start = 0;
    bool header_last = false;  // `waiting` ends with a frame header: its page comes next
    bool commit_last = false;  // ... and that frame is a commit
    // A block that failed where no error could be returned (a shared-memory lock or
    // barrier): the log's next call returns it. By construction that block only ever holds
    // frames of a transaction that did not commit (a commit writes its own block and
    // returns its error), so the failure reaches whatever SQLite does next on the log.
    int deferred_error = SQLITE_OK;
};

constexpr std::size_t real_offset =
    (sizeof(File) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);

File* as_file(sqlite3_file* file) { return reinterpret_cast<File*>(file); }
const sqlite3_io_methods& real_methods(const File* file) { return *file->real->pMethods; }

bool is_commit_header(const char* header) {
    return header[4] != 0 || header[5] != 0 || header[6] != 0 || header[7] != 0;
}

/// Writes the waiting block. Returns what the write returned (or an earlier failure that
/// could not be reported).
int write_block(File* log) {
    if (log->deferred_error != SQLITE_OK) {
        const int error = log->deferred_error;
        log->deferred_error = SQLITE_OK;
        log->waiting.clear();
        log->header_last = false;
        log->commit_last = false;
        return error;
    }
    if (log->waiting.empty()) return SQLITE_OK;
    log_writes.fetch_add(1, std::memory_order_relaxed);
    const int rc =
        real_methods(log).xWrite(log->real, log->waiting.data(), static_cast<int>(log->waiting.size()), log->start);
    log->waiting.clear();
    log->header_last = false;
    log->commit_last = false;
    return rc;
}

/// Before an operation that cannot report an error: a failure is returned by the log's
/// next call instead.
void write_block_or_defer(File* log) {
    if (log == nullptr || log->waiting.empty()) return;
    if (const int rc = write_block(log); rc != SQLITE_OK) log->deferred_error = rc;
}

int x_write(sqlite3_file* base, const void* data, int amount, sqlite3_int64 offset) {
    File* file = as_file(base);
    if (file->database == nullptr) return real_methods(file).xWrite(file->real, data, amount, offset);
    const char* bytes = static_cast<const char*>(data);
    const bool follows =
        file->waiting.empty() || offset == file->start + static_cast<sqlite3_int64>(file->waiting.size());
    if (follows && file->deferred_error == SQLITE_OK) {
        // A frame's header: kept for its page. A commit frame's only behind other frames
        // of its transaction; alone (a transaction of one frame, or a header SQLite
        // rewrites after reading its frame back) it goes at once.
        if (!file->header_last && amount == frame_header_size) {
            const bool commit = is_commit_header(bytes);
            if (!commit || !file->waiting.empty()) {
                if (file->waiting.empty()) file->start = offset;
                file->waiting.insert(file->waiting.end(), bytes, bytes + amount);
                file->header_last = true;
                file->commit_last = commit;
                return SQLITE_OK;
            }
        } else if (file->header_last && amount <= largest_page) {
            // The kept header's page: the block is written with a commit frame's page, or
            // once it is large.
            file->waiting.insert(file->waiting.end(), bytes, bytes + amount);
            file->header_last = false;
            frames_joined.fetch_add(1, std::memory_order_relaxed);
            return file->commit_last || file->waiting.size() >= block_limit ? write_block(file) : SQLITE_OK;
        }
    }
    // Anything else (the log's own header, a commit frame, a frame written again) is
    // written as it comes, after the block.
    if (const int rc = write_block(file); rc != SQLITE_OK) return rc;
    log_writes.fetch_add(1, std::memory_order_relaxed);
    return real_methods(file).xWrite(file->real, data, amount, offset);
}

/// The log's block is written before any other operation on it, then the default VFS's
/// method runs. (A database file never has a block: these forward at once.)
template <auto method, typename... Args>
int after_block(sqlite3_file* base, Args... args) {
    File* file = as_file(base);
    if (const int rc = write_block(file); rc != SQLITE_OK) return rc;
    return (real_methods(file).*method)(file->real, args...);
}

int x_sector_size(sqlite3_file* base) { return real_methods(as_file(base)).xSectorSize(as_file(base)->real); }

int x_device_characteristics(sqlite3_file* base) {
    return real_methods(as_file(base)).xDeviceCharacteristics(as_file(base)->real);
}

// Shared memory belongs to the database file; its locks and barrier are where other
// connections may come to look at the log, so the connection's block is written first.
int x_shm_map(sqlite3_file* base, int page, int page_size, int extend, void volatile** out) {
    File* file = as_file(base);
    if (real_methods(file).iVersion < 2 || real_methods(file).xShmMap == nullptr) return SQLITE_IOERR_SHMMAP;
    return real_methods(file).xShmMap(file->real, page, page_size, extend, out);
}

int x_shm_lock(sqlite3_file* base, int offset, int n, int flags) {
    File* file = as_file(base);
    if (real_methods(file).iVersion < 2 || real_methods(file).xShmLock == nullptr) return SQLITE_IOERR_SHMLOCK;
    write_block_or_defer(file->log);
    return real_methods(file).xShmLock(file->real, offset, n, flags);
}

void x_shm_barrier(sqlite3_file* base) {
    File* file = as_file(base);
    write_block_or_defer(file->log);
    if (real_methods(file).iVersion >= 2 && real_methods(file).xShmBarrier != nullptr) {
        real_methods(file).xShmBarrier(file->real);
    }
}

int x_shm_unmap(sqlite3_file* base, int delete_flag) {
    File* file = as_file(base);
    if (real_methods(file).iVersion < 2 || real_methods(file).xShmUnmap == nullptr) return SQLITE_OK;
    return real_methods(file).xShmUnmap(file->real, delete_flag);
}

int x_fetch(sqlite3_file* base, sqlite3_int64 offset, int amount, void** out) {
    File* file = as_file(base);
    if (real_methods(file).iVersion < 3 || real_methods(file).xFetch == nullptr) {
        *out = nullptr;
        return SQLITE_OK;
    }
    return real_methods(file).xFetch(file->real, offset, amount, out);
}

int x_unfetch(sqlite3_file* base, sqlite3_int64 offset, void* page) {
    File* file = as_file(base);
    if (real_methods(file).iVersion < 3 || real_methods(file).xUnfetch == nullptr) return SQLITE_OK;
    return real_methods(file).xUnfetch(file->real, offset, page);
}

int x_close(sqlite3_file* base) {
    File* file = as_file(base);
    // A block still waiting holds only frames of a transaction that did not commit (a
    // commit writes its block; the release of the write lock writes any other): nothing
    // needs them, and writing them now, without the write lock, could land on another
    // connection's frames. Dropped.
    if (file->log != nullptr) file->log->database = nullptr;
    if (file->database != nullptr) file->database->log = nullptr;
    const int rc = real_methods(file).xClose(file->real);
    file->~File();
    return rc;
}

const sqlite3_io_methods methods = {
    3,
    x_close,
    after_block<&sqlite3_io_methods::xRead, void*, int, sqlite3_int64>,
    x_write,
    after_block<&sqlite3_io_methods::xTruncate, sqlite3_int64>,
    after_block<&sqlite3_io_methods::xSync, int>,
    after_block<&sqlite3_io_methods::xFileSize, sqlite3_int64*>,
    after_block<&sqlite3_io_methods::xLock, int>,
    after_block<&sqlite3_io_methods::xUnlock, int>,
    after_block<&sqlite3_io_methods::xCheckReservedLock, int*>,
    after_block<&sqlite3_io_methods::xFileControl, int, void*>,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* out, int flags, int* out_flags) {
    sqlite3_vfs* const default_vfs = real_vfs(vfs);
    auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(out) + real_offset);
    real->pMethods = nullptr;
    out->pMethods = nullptr;
    const int rc = default_vfs->xOpen(default_vfs, name, real, flags, out_flags);
    if (rc != SQLITE_OK || real->pMethods == nullptr) {
        if (real->pMethods != nullptr) real->pMethods->xClose(real);
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    File* file = new (out) File{};
    file->real = real;
    if ((flags & SQLITE_OPEN_WAL) != 0 && name != nullptr) {
        // The connection's database file, which SQLite opened first (sqlite3_database_file_object
        // is documented for exactly this: a name SQLite passed to xOpen). A log that cannot
        // be paired with it is written through like any other file: its locks would not
        // write the block first.
        if (sqlite3_file* database = sqlite3_database_file_object(name);
            database != nullptr && database->pMethods == &methods) {
            // Room for the largest block up front: no allocation (nor its exception) inside
            // SQLite's calls.
            try {
                file->waiting.reserve(block_limit + frame_header_size + largest_page);
            } catch (const std::bad_alloc&) {
                file->~File();
                real->pMethods->xClose(real);
                return SQLITE_NOMEM;
            }
            file->database = as_file(database);
            file->database->log = file;
            logs_paired.fetch_add(1, std::memory_order_relaxed);
        }
    }
    file->base.pMethods = &methods;
    return SQLITE_OK;
}

// The VFS's other methods: the default VFS's, given the default VFS.
int x_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    return real_vfs(vfs)->xDelete(real_vfs(vfs), name, sync_dir);
}
int x_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    return real_vfs(vfs)->xAccess(real_vfs(vfs), name, flags, out);
}
int x_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
    return real_vfs(vfs)->xFullPathname(real_vfs(vfs), name, size, out);
}
void* x_dl_open(sqlite3_vfs* vfs, const char* name) { return real_vfs(vfs)->xDlOpen(real_vfs(vfs), name); }
void x_dl_error(sqlite3_vfs* vfs, int size, char* out) { real_vfs(vfs)->xDlError(real_vfs(vfs), size, out); }
void (*x_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
    return real_vfs(vfs)->xDlSym(real_vfs(vfs), handle, symbol);
}
void x_dl_close(sqlite3_vfs* vfs, void* handle) { real_vfs(vfs)->xDlClose(real_vfs(vfs), handle); }
int x_randomness(sqlite3_vfs* vfs, int size, char* out) { return real_vfs(vfs)->xRandomness(real_vfs(vfs), size, out); }
int x_sleep(sqlite3_vfs* vfs, int microseconds) { return real_vfs(vfs)->xSleep(real_vfs(vfs), microseconds); }
int x_current_time(sqlite3_vfs* vfs, double* out) { return real_vfs(vfs)->xCurrentTime(real_vfs(vfs), out); }
int x_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
    return real_vfs(vfs)->xGetLastError(real_vfs(vfs), size, out);
}
int x_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    return real_vfs(vfs)->xCurrentTimeInt64(real_vfs(vfs), out);
}

/// Version 2 of the VFS interface: no system-call overrides (SQLite's tests use those).
sqlite3_vfs make_vfs() {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    sqlite3_vfs vfs{};
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(real_offset) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = "reframe-wal";
    vfs.pAppData = real;
    vfs.xOpen = x_open;
    vfs.xDelete = x_delete;
    vfs.xAccess = x_access;
    vfs.xFullPathname = x_full_pathname;
    vfs.xDlOpen = x_dl_open;
    vfs.xDlError = x_dl_error;
    vfs.xDlSym = x_dl_sym;
    vfs.xDlClose = x_dl_close;
    vfs.xRandomness = x_randomness;
    vfs.xSleep = x_sleep;
    vfs.xCurrentTime = x_current_time;
    vfs.xGetLastError = x_get_last_error;
    vfs.xCurrentTimeInt64 = x_current_time_int64;
    return vfs;
}

}  // namespace

const char* name() {
    static sqlite3_vfs vfs = make_vfs();
    [[maybe_unused]] static const int registered = sqlite3_vfs_register(&vfs, 0);
    return vfs.zName;
}

Counts counts() {
    return Counts{log_writes.load(std::memory_order_relaxed), frames_joined.load(std::memory_order_relaxed),
                  logs_paired.load(std::memory_order_relaxed)};
}

}  // namespace reframe::sqlite_wal_vfs
