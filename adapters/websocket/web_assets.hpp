#pragma once
/// The web page and its assets, embedded into the binary at build time from
/// adapters/websocket/web (cmake/embed_web.cmake writes the table).

#include <string_view>
#include <vector>

namespace reframe::websocket {

struct WebAsset {
    std::string_view path;          // "/index.html", "/app.js"
    std::string_view content_type;  // chosen from the file's extension
    std::string_view body;
};

/// Every embedded file, sorted by path.
const std::vector<WebAsset>& web_assets();

/// The asset served at `target` (a request target without query): "/" is "/index.html";
/// null when there is none.
const WebAsset* find_web_asset(std::string_view target);

}  // namespace reframe::websocket
