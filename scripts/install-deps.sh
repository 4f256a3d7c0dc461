#!/usr/bin/env bash
# Installs what reframe needs to build and test on Debian 12, skipping what is there.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config python3
  libyaml-cpp-dev libsqlitecpp-dev libsqlite3-dev catch2 nlohmann-json3-dev
  libcli11-dev libre2-dev libutf8proc-dev libexpected-dev clang-format python3-jsonschema python3-yaml
  clang libclang-rt-14-dev libspdlog-dev libfmt-dev hyperfine
  graphviz  # `reframe graph --format svg`, and the test that renders every bundled flow
  chromium
  libboost-dev libssl-dev openssl
  libjemalloc-dev  # the reframe command's allocator (serve under load)
)
missing=()
# The browser test needs node and npm. Debian's nodejs + npm when neither is on the PATH;
# a Node.js installed another way (e.g. NodeSource's nodejs, which bundles npm) is kept.
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then packages+=(nodejs npm); fi
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
