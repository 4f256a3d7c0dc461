#pragma once
/// Where things are when no flag says: the bundled dialogues and the data directory.

#include <filesystem>
#include <string>

namespace reframe::cli {

/// $REFRAME_FLOWS, else the dialogues/ of an install (../share/reframe/dialogues beside
/// the binary), else the source tree's dialogues/ (a developer build).
std::filesystem::path default_flows_dir();

/// $REFRAME_DB, else $REFRAME_DATA_DIR/reframe.db, else $XDG_DATA_HOME/reframe/reframe.db,
/// else ~/.local/share/reframe/reframe.db, else ./reframe-data/reframe.db.
std::string default_db_path();

}  // namespace reframe::cli
