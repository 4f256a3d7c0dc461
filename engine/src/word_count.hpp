#pragma once
/// Counting words for the typing pauses (Engine's pacing): the number of runs of bytes
/// other than spaces, newlines and tabs.

#include <cstddef>
#include <string_view>

namespace reframe {

/// Words in `text`, 8 bytes at a time.
std::size_t count_words(std::string_view text) noexcept;

}  // namespace reframe
