#pragma once
/// ws_load's command line (bench/ws_load.cpp): what to connect to and how hard to push.

#include <cstddef>
#include <string>

#include <tl/expected.hpp>

/// What one run of ws_load does.
struct Options {
    std::string host = "127.0.0.1";
    std::string port = "8080";
    std::string host_header;  // "host:port", for the handshake
    std::string path = "/ws";
    std::string origin;  // sent as Origin when set
    std::string label;   // names the run in the JSON line ("reframe", "node-ws-echo")
    std::size_t connections = 1000;
    std::size_t says = 20;
    std::size_t threads = 2;
    std::size_t window = 200;  // connections being opened at once, per thread
    bool idle = false;
    unsigned hold_seconds = 5;
    unsigned timeout_seconds = 300;
    unsigned grace_ms = 300;
    int server_pid = 0;
};

/// Reads the flags (`--help` lists them); an error says which flag and why.
tl::expected<Options, std::string> parse_options(int argc, char** argv);

/// Runs the load described by `options` and prints one JSON line; the exit code.
int run_load(const Options& options);
