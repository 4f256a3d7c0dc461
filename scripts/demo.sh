#!/usr/bin/env bash
# Installs what is missing, builds, and starts the console demo on the bundled dialogues
# with its sessions in data/reframe.db (an embedded SQLite file).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
mkdir -p data
exec ./build/adapters/cli/reframe console --flows dialogues --db data/reframe.db "$@"
