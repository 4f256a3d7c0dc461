#include "web_assets.hpp"

namespace reframe::websocket {

const WebAsset* find_web_asset(std::string_view target) {
    if (const auto query = target.find_first_of("?#"); query != std::string_view::npos) {
        target = target.substr(0, query);
    }
    if (target == "/") target = "/index.html";
    for (const auto& asset : web_assets()) {
        if (asset.path == target) return &asset;
    }
    return nullptr;
}

}  // namespace reframe::websocket
