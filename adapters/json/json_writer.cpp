#include "json_writer.hpp"

namespace reframe::json_writer {

void append_json_array(std::string& out, const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        append_json_string(out, items[i]);
    }
    out += ']';
}

}  // namespace reframe::json_writer
