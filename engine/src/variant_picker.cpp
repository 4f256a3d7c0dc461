#include "variant_picker.hpp"

namespace reframe {
namespace {

std::uint64_t mix(std::uint64_t x) {
    // splitmix64 finaliser: spreads consecutive inputs over the whole range.
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31U);
}

}  // namespace

std::uint64_t stable_hash(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

namespace {

/// The place's name as saved: a short hash, so that a session row stays small however
/// long the flow and state names are (collisions would only allow one repetition).
std::string place_id(const std::string& key) {
    static constexpr char hex[] = "0123456789abcdef";
    auto h = static_cast<std::uint32_t>(stable_hash(key) >> 32U);
    std::string id(8, '0');
    for (std::size_t i = 8; i-- > 0; h >>= 4U) id[i] = hex[h & 0xFU];
    return id;
}

}  // namespace

std::size_t pick_variant(SessionState& state, const std::string& key, std::size_t count) {
    if (count <= 1) return 0;
    const std::string id = place_id(key);
    const auto last_it = state.last_variant.find(id);
    const bool has_last = last_it != state.last_variant.end() && last_it->second >= 0 &&
                          static_cast<std::size_t>(last_it->second) < count;
    const std::uint64_t r = mix(state.seed ^ mix(state.turns) ^ stable_hash(key));
    std::size_t choice = 0;
    if (has_last) {
        // Choose among the others, then step over the last one.
        choice = static_cast<std::size_t>(r % (count - 1));
        if (choice >= static_cast<std::size_t>(last_it->second)) ++choice;
    } else {
        choice = static_cast<std::size_t>(r % count);
    }
    state.last_variant[id] = static_cast<int>(choice);
    return choice;
}

}  // namespace reframe
