#include "ws_load_options.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

constexpr const char* usage =
    "usage: ws_load --target HOST:PORT [--connections N] [--says N] [--threads N] [--window N]\n"
    "               [--idle --hold SECONDS] [--server-pid PID] [--label NAME] [--origin URL]\n"
    "               [--path /ws] [--timeout SECONDS] [--grace-ms MS]\n"
    "Opens N WebSocket connections; each sends N say frames one after another, waiting for\n"
    "each reply (or, with --idle, sends nothing and holds the connection). Prints one JSON line.\n";

template <typename Number>
tl::expected<Number, std::string> number(std::string_view flag, std::string_view text, Number low) {
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < low) {
        return tl::unexpected(std::string(flag) + " wants a whole number of at least " + std::to_string(low) +
                              ", not '" + std::string(text) + "'");
    }
    return value;
}

tl::expected<void, std::string> set_target(Options& options, std::string_view target) {
    const auto colon = target.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == target.size()) {
        return tl::unexpected("--target wants HOST:PORT, not '" + std::string(target) + "'");
    }
    options.host = std::string(target.substr(0, colon));
    options.port = std::string(target.substr(colon + 1));
    options.host_header = std::string(target);
    return {};
}

tl::expected<void, std::string> set_number(Options& options, std::string_view flag, std::string_view value) {
    auto apply = [&](auto& field, auto low) -> tl::expected<void, std::string> {
        auto parsed = number<std::remove_reference_t<decltype(field)>>(flag, value, low);
        if (!parsed) return tl::unexpected(parsed.error());
        field = *parsed;
        return {};
    };
    if (flag == "--connections") return apply(options.connections, std::size_t{1});
    if (flag == "--says") return apply(options.says, std::size_t{1});
    if (flag == "--threads") return apply(options.threads, std::size_t{1});
    if (flag == "--window") return apply(options.window, std::size_t{1});
    if (flag == "--hold") return apply(options.hold_seconds, 0u);
    if (flag == "--timeout") return apply(options.timeout_seconds, 1u);
    if (flag == "--grace-ms") return apply(options.grace_ms, 0u);
    if (flag == "--server-pid") return apply(options.server_pid, 1);
    return tl::unexpected("unknown flag '" + std::string(flag) + "' (--help lists them)");
}

tl::expected<void, std::string> set_flag(Options& options, std::string_view flag, std::string_view value) {
    if (flag == "--target") return set_target(options, value);
    if (flag == "--path") return void(options.path = std::string(value)), tl::expected<void, std::string>{};
    if (flag == "--origin") return void(options.origin = std::string(value)), tl::expected<void, std::string>{};
    if (flag == "--label") return void(options.label = std::string(value)), tl::expected<void, std::string>{};
    return set_number(options, flag, value);
}

}  // namespace

tl::expected<Options, std::string> parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::fputs(usage, stdout);
            std::exit(0);
        }
        if (flag == "--idle") {
            options.idle = true;
            continue;
        }
        if (i + 1 >= argc) return tl::unexpected(std::string(flag) + " needs a value (--help lists the flags)");
        if (auto set = set_flag(options, flag, argv[++i]); !set) return tl::unexpected(set.error());
    }
    if (options.host_header.empty())
        return tl::unexpected(std::string("--target HOST:PORT is required (--help lists the flags)"));
    return options;
}
