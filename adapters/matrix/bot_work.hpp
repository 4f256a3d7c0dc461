#pragma once
/// One message the bot is to answer (private to the bot's source files).

#include <string>

#include "bot.hpp"

namespace reframe::matrix {

struct Bot::Work {
    std::string room_id;
    RoomEvent event;
    bool direct = false;  // a DM: every message is for the bot
};

}  // namespace reframe::matrix
