#pragma once
/// Chooses which variant of a `say` to use: reproducible for a given session seed, and
/// never the variant the same place used last time (when there is another).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "reframe/session.hpp"

namespace reframe {

/// Picks an index in [0, count) for the place `key` ("flow.state" or a rule's key) and
/// records it in `state.last_variant`.
std::size_t pick_variant(SessionState& state, const std::string& key, std::size_t count);

/// A stable 64-bit hash (FNV-1a) for seeds; std::hash is not stable across builds.
std::uint64_t stable_hash(std::string_view text);

}  // namespace reframe
