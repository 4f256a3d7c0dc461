#include "console.hpp"

#include "turn_json.hpp"

namespace reframe::console {
namespace {

void print_reply(const Reply& reply, std::ostream& out, const ConsoleOptions& options) {
    if (options.json) {
        out << turn_line(reply) << '\n';
        return;
    }
    for (const auto& message : reply.messages) out << (options.interactive ? "reframe: " : "") << message << '\n';
    for (std::size_t i = 0; i < reply.options.size(); ++i) {
        out << "  [" << (i + 1) << "] " << reply.options[i] << '\n';
    }
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r\n\v\f") == std::string::npos; }

}  // namespace

int run_console(Engine& engine, std::istream& in, std::ostream& out, std::ostream& err, const ConsoleOptions& options) {
    if (options.interactive && !options.json) {
        out << "reframe — type a message and press Enter. Ctrl-D ends the chat; your place is kept.\n\n";
        if (auto hello = engine.greet(options.user)) print_reply(*hello, out, options);
    }
    int status = 0;
    std::string line;
    while (true) {
        if (options.interactive && !options.json) out << "> " << std::flush;
        if (!std::getline(in, line)) break;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (is_blank(line)) continue;  // nothing was said: no turn
        auto reply = engine.respond(options.user, line);
        if (!reply) {
            err << "reframe: error: " << reply.error().message << '\n';
            status = 1;
            continue;
        }
        print_reply(*reply, out, options);
        out << std::flush;
    }
    if (options.interactive && !options.json) out << '\n';
    return status;
}

}  // namespace reframe::console
