#include "reframe/session.hpp"

#include "reframe/json_string.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

// Saved shape, version 4 (version 1 lacked "c", "h" and "f", version 2 "h" and "f", version 3 "f"; all stay
// optional). Keys are short because
// every turn writes them, and "v" comes first. `user` is not saved: the store keeps it as the row's key.
//   {"v":1, "a":[flow,state], "k":[[flow,state],...], "x":{name:value,...},
//    "l":{"flow.state":index,...}, "s":seed, "n":turns, "g":greeted, "c":consent,
//    "h":{measure:[[day,value],...],...}, "f":flow_set_version}
// Both directions avoid a JSON document tree (this is the store's hot path): serialize()
// writes text directly and deserialize() reads nlohmann's SAX events into the state.

namespace reframe {
namespace {

using json = nlohmann::json;

template <typename Number>
void append_number(std::string& out, Number value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void append_frame(std::string& out, const Frame& frame) {
    out += '[';
    append_json_string(out, frame.flow);
    out += ',';
    append_json_string(out, frame.state);
    out += ']';
}

/// Appends {"key":value,...}, writing each value with `append_value`.
template <typename Map, typename AppendValue>
void append_object(std::string& out, const Map& map, AppendValue append_value) {
    out += '{';
    bool first = true;
    for (const auto& [key, value] : map) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_value(out, value);
    }
    out += '}';
}

enum class Field {
    none,
    version,
    at,
    stack,
    vars,
    last_variant,
    seed,
    turns,
    greeted,
    consent,
    history,
    flow_version,
    unknown
};

constexpr unsigned bit(Field field) { return 1U << static_cast<unsigned>(field); }

constexpr std::array required_fields = {Field::at,   Field::stack, Field::vars,   Field::last_variant,
                                        Field::seed, Field::turns, Field::greeted};

Field field_named(std::string_view key) {
    if (key.size() != 1) return Field::unknown;
    switch (key[0]) {
        case 'v':
            return Field::version;
        case 'a':
            return Field::at;
        case 'k':
            return Field::stack;
        case 'x':
            return Field::vars;
        case 'l':
            return Field::last_variant;
        case 's':
            return Field::seed;
        case 'n':
            return Field::turns;
        case 'g':
            return Field::greeted;
        case 'c':
            return Field::consent;
        case 'h':
            return Field::history;
        case 'f':
            return Field::flow_version;
        default:
            return Field::unknown;
    }
}

const char* field_description(Field field) {
    switch (field) {
        case Field::at:
            return "current state";
        case Field::stack:
            return "call stack";
        case Field::vars:
            return "variable list";
        case Field::last_variant:
            return "variant history";
        case Field::seed:
            return "seed";
        case Field::turns:
            return "turn count";
        case Field::greeted:
            return "greeting flag";
        case Field::consent:
            return "consent";
        case Field::history:
            return "check-in history";
        case Field::flow_version:
            return "flow-set version";
        default:
            return "field";
    }
}

/// Reads the SAX events of one saved session into a SessionState. Shape errors are noted
/// and reading goes on, so that a version this build cannot load is reported as such
/// whatever the order of the keys; only a syntax error stops the parser.
class SessionReader final : public nlohmann::json_sax<json> {
public:
    explicit SessionReader(SessionState& state) : state_(state) {}

    /// Empty when the session was read completely, else the sentence that says why not.
    std::string finish() const;

    bool null() override { return bad(); }
    bool boolean(bool value) override;
    bool number_integer(number_integer_t value) override;
    bool number_unsigned(number_unsigned_t value) override;
    bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return bad(); }
    bool string(string_t& value) override;
    bool binary(binary_t& /*value*/) override { return bad(); }
    bool start_object(std::size_t /*elements*/) override;
    bool key(string_t& value) override;
    bool end_object() override;
    bool start_array(std::size_t /*elements*/) override;
    bool end_array() override;
    bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                     const nlohmann::detail::exception& /*error*/) override {
        syntax_error_ = true;
        return false;
    }

private:
    bool in(Field field, int depth) const { return field_ == field && depth_ == depth; }
    bool done() {
        seen_ |= bit(field_);
        return true;
    }
    bool bad() {
        if (depth_ == 0) not_object_ = true;
        if (error_.empty()) {
            error_ = field_ == Field::unknown
                         ? "saved session has an unknown field"
                         : std::string("saved session has a malformed ") + field_description(field_);
        }
        return true;
    }

    SessionState& state_;
    int depth_ = 0;              // containers open around the current event
    Field field_ = Field::none;  // the top-level key being read
    unsigned seen_ = 0;          // bits of the fields read completely
    std::int64_t version_ = 0;
    bool has_version_ = false;
    bool syntax_error_ = false;
    bool not_object_ = false;
    std::string error_;
    std::string key_;                           // the key of the current entry of "x" or "l"
    Frame frame_;                               // the frame of "k" being read
    DayValue day_;                              // the [day, value] of "h" being read
    std::vector<DayValue>* measure_ = nullptr;  // the measure of "h" being read
    std::size_t items_ = 0;                     // strings read into the current frame
};

bool SessionReader::boolean(bool value) {
    if (!in(Field::greeted, 1)) return bad();
    state_.greeted = value;
    return done();
}

bool SessionReader::number_integer(number_integer_t value) {
    if (!in(Field::version, 1)) return bad();  // only negative numbers come here
    version_ = value;
    has_version_ = true;
    return true;
}

bool SessionReader::number_unsigned(number_unsigned_t value) {
    if (in(Field::version, 1)) {
        constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        version_ = static_cast<std::int64_t>(std::min(value, largest));
        has_version_ = true;
        return true;
    }
    if (in(Field::seed, 1) || in(Field::turns, 1)) {
        (field_ == Field::seed ? state_.seed : state_.turns) = value;
        return done();
    }
    if (in(Field::history, 4) && items_ == 0 &&
        value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        day_ = DayValue{static_cast<std::int64_t>(value), {}};
        ++items_;
        return true;
    }
    if (in(Field::last_variant, 2) && value <= static_cast<unsigned>(std::numeric_limits<int>::max())) {
        state_.last_variant.insert_or_assign(std::move(key_), static_cast<int>(value));
        return true;
    }
    return bad();
}

bool SessionReader::string(string_t& value) {
    if (in(Field::flow_version, 1)) {
        state_.flow_version = std::move(value);
        return done();
    }
    if (in(Field::consent, 1)) {
        if (value != consent_granted && value != consent_declined) return bad();
        state_.consent = std::move(value);
        return done();
    }
    if (in(Field::vars, 2)) {
        state_.vars.insert_or_assign(std::move(key_), std::move(value));
        return true;
    }
    if (in(Field::history, 4)) {
        if (items_ != 1) return bad();
        day_.value = std::move(value);
        ++items_;
        return true;
    }
    Frame* frame = in(Field::at, 2) ? &state_.at : in(Field::stack, 3) ? &frame_ : nullptr;
    if (frame == nullptr || items_ >= 2) return bad();
    (items_++ == 0 ? frame->flow : frame->state) = std::move(value);
    return true;
}

bool SessionReader::start_object(std::size_t /*elements*/) {
    const bool fits = depth_ == 0 || in(Field::vars, 1) || in(Field::last_variant, 1) || in(Field::history, 1);
    if (!fits) bad();  // before ++depth_, so that it names the enclosing field
    ++depth_;
    return true;
}

bool SessionReader::key(string_t& value) {
    if (depth_ != 1) {
        key_ = std::move(value);
        return true;
    }
    field_ = field_named(value);
    if ((seen_ & bit(field_)) != 0 || (field_ == Field::version && has_version_)) return bad();  // twice
    if (field_ == Field::unknown) return bad();
    return true;
}

bool SessionReader::end_object() {
    --depth_;
    if (depth_ == 1) return done();  // "x" or "l": start_object let no other field in
    return true;
}

bool SessionReader::start_array(std::size_t /*elements*/) {
    const bool fits = in(Field::at, 1) || in(Field::stack, 1) || in(Field::stack, 2) || in(Field::history, 2) ||
                      in(Field::history, 3);
    if (!fits) bad();
    if (in(Field::history, 2)) {
        measure_ = &state_.history[key_];
        measure_->clear();
    }
    ++depth_;
    if (in(Field::stack, 3)) frame_ = Frame{};
    items_ = 0;
    return true;
}

bool SessionReader::end_array() {
    --depth_;
    if (in(Field::at, 1)) return items_ == 2 ? done() : bad();
    if (in(Field::stack, 2)) {
        if (items_ != 2) return bad();
        state_.stack.push_back(std::move(frame_));
        return true;
    }
    if (in(Field::stack, 1)) return done();
    if (in(Field::history, 3)) {
        if (items_ != 2 || measure_ == nullptr) return bad();
        measure_->push_back(std::move(day_));
        return true;
    }
    return true;
}

std::string SessionReader::finish() const {
    if (syntax_error_) return "saved session is not valid JSON";
    if (not_object_) return "saved session is not a JSON object";
    if (!has_version_) return "saved session has no version number";
    if (version_ < SessionState::min_loadable_version) {
        return "saved session has version " + std::to_string(version_) +
               ", older than the oldest this build can read (" + std::to_string(SessionState::min_loadable_version) +
               ")";
    }
    if (version_ > SessionState::version) {
        return "saved session has version " + std::to_string(version_) + ", newer than this build understands (" +
               std::to_string(SessionState::version) + ")";
    }
    if (!error_.empty()) return error_;
    for (const Field field : required_fields) {
        if ((seen_ & bit(field)) == 0) return std::string("saved session has no ") + field_description(field);
    }
    return {};
}

}  // namespace

std::string serialize(const SessionState& state) {
    std::string out;
    // Enough for the usual session in one allocation (the fields' names and numbers, the
    // variables' text, the variants' ids): growing from a small guess copied it three times.
    std::size_t expected = 160 + 24 * (state.stack.size() + state.last_variant.size() + state.history.size());
    for (const auto& [name, value] : state.vars) expected += name.size() + value.size() + 8;
    out.reserve(expected);
    out += "{\"v\":";
    append_number(out, SessionState::version);
    out += ",\"a\":";
    append_frame(out, state.at);
    out += ",\"k\":[";
    for (std::size_t i = 0; i < state.stack.size(); ++i) {
        if (i != 0) out += ',';
        append_frame(out, state.stack[i]);
    }
    out += "],\"x\":";
    append_object(out, state.vars, [](std::string& o, const std::string& value) { append_json_string(o, value); });
    out += ",\"l\":";
    append_object(out, state.last_variant, [](std::string& o, int value) { append_number(o, value); });
    out += ",\"s\":";
    append_number(out, state.seed);
    out += ",\"n\":";
    append_number(out, state.turns);
    out += state.greeted ? ",\"g\":true" : ",\"g\":false";
    if (!state.consent.empty()) {
        out += ",\"c\":";
        append_json_string(out, state.consent);
    }
    if (!state.history.empty()) {
        out += ",\"h\":";
        append_object(out, state.history, [](std::string& o, const std::vector<DayValue>& values) {
            o += '[';
            for (std::size_t i = 0; i < values.size(); ++i) {
                if (i != 0) o += ',';
                o += '[';
                append_number(o, values[i].day);
                o += ',';
                append_json_string(o, values[i].value);
                o += ']';
            }
            o += ']';
        });
    }
    if (!state.flow_version.empty()) {
        out += ",\"f\":";
        append_json_string(out, state.flow_version);
    }
    out += '}';
    return out;
}

tl::expected<SessionState, std::string> deserialize(const std::string& user, const std::string& text) {
    try {
        SessionState state;
        SessionReader reader(state);
        json::sax_parse(text, &reader);
        if (auto error = reader.finish(); !error.empty()) return tl::make_unexpected(std::move(error));
        state.user = user;
        return state;
    } catch (const std::exception&) {
        // Only allocation failure can get here: the SAX parser reports errors to the reader.
        return tl::make_unexpected(std::string("saved session could not be read"));
    }
}

}  // namespace reframe
