#!/usr/bin/env python3
"""Checks bench/ws_load against servers that misbehave on purpose, and against `reframe serve`.

The peer is a small WebSocket server written here with the standard library (RFC 6455, as
independent of ws_load's own code as it can be): it checks that every client frame is masked,
and can answer with fragments, pings, long frames, duplicates, drops, errors, a masked frame,
a wrong handshake or a hang-up. ws_load must count each case as the report promises and exit
non-zero whenever a say was not answered exactly once.

usage: test_ws_load.py --ws-load PATH [--reframe PATH --flows DIR]
"""

import argparse
import asyncio
import base64
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
REPLY = json.dumps({"type": "reply", "messages": [{"text": "heard", "pause_ms": 0}], "options": [],
                    "state": "test.test", "safety": None}).encode()


class Peer:
    """One test server on 127.0.0.1, in a thread of its own, with one way of answering."""

    def __init__(self, mode, every=0):
        self.mode, self.every = mode, every
        self.says = 0
        self.violations = []  # what the client did wrong
        self.pongs = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=512))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def stop(self):
        asyncio.run_coroutine_threadsafe(self._shut_down(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    async def _shut_down(self):
        self.server.close()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    @staticmethod
    def frame(opcode, payload, fin=True, masked=False):
        head = bytes([(0x80 if fin else 0) | opcode])
        size = len(payload)
        mask_bit = 0x80 if masked else 0
        if size < 126:
            head += bytes([mask_bit | size])
        elif size <= 0xFFFF:
            head += bytes([mask_bit | 126]) + struct.pack("!H", size)
        else:
            head += bytes([mask_bit | 127]) + struct.pack("!Q", size)
        if masked:
            key = b"\x01\x02\x03\x04"
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            head += key
        return head + payload

    async def _read_frame(self, reader):
        first, second = await reader.readexactly(2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", await reader.readexactly(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", await reader.readexactly(8))[0]
        if not second & 0x80:
            self.violations.append("an unmasked client frame")
            key = b"\0\0\0\0"
        else:
            key = await reader.readexactly(4)
        data = await reader.readexactly(size)
        return first & 0x0F, bytes(b ^ key[i % 4] for i, b in enumerate(data))

    async def _serve(self, reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            key = re.search(rb"Sec-WebSocket-Key: *(\S+)", head, re.I).group(1)
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
            if self.mode == "bad_accept":
                accept = base64.b64encode(b"not the right accept")
            writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            if self.mode == "idle_ping":
                writer.write(self.frame(0x9, b"are you there"))
            while True:
                opcode, data = await self._read_frame(reader)
                if opcode == 0x8:
                    writer.write(self.frame(0x8, data[:2]))
                    await writer.drain()
                    break
                if opcode == 0xA:
                    self.pongs += 1 if data == b"are you there" else 0
                    continue
                if opcode != 0x1 or json.loads(data).get("type") != "say":
                    self.violations.append("a frame that is not a say: %r" % data[:40])
                    continue
                self.says += 1
                await self._answer(writer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _answer(self, writer):
        nth = self.every and self.says % self.every == 0
        mode = self.mode
        if mode == "drop" and nth:
            return
        if mode == "hang_up" and nth:
            writer.transport.abort()
            return
        if mode == "error":
            writer.write(self.frame(0x1, b'{"type":"error","code":"test","message":"no"}'))
        elif mode == "masked":
            writer.write(self.frame(0x1, REPLY, masked=True))
        elif mode == "fragments":
            # Three pieces, a ping between them (control frames may come inside a message),
            # and an unrelated frame first, which answers nothing.
            writer.write(self.frame(0x1, b'{"type":"notice"}'))
            writer.write(self.frame(0x1, REPLY[:5], fin=False))
            writer.write(self.frame(0x9, b"are you there"))
            writer.write(self.frame(0x0, REPLY[5:20], fin=False))
            writer.write(self.frame(0x0, REPLY[20:]))
        elif mode == "long":
            padded = json.loads(REPLY)
            padded["messages"][0]["text"] = "x" * (300 if self.says % 2 else 70000)
            writer.write(self.frame(0x1, json.dumps(padded).encode()))
        else:
            writer.write(self.frame(0x1, REPLY))
        if mode == "dup" and nth:
            writer.write(self.frame(0x1, REPLY))


def run_load(ws_load, port, *extra):
    done = subprocess.run([ws_load, "--target", "127.0.0.1:%d" % port, "--grace-ms", "200", "--timeout", "60"]
                          + list(extra), capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if len(lines) != 1:
        raise AssertionError("ws_load printed no report (exit %d): %s" % (done.returncode, done.stderr))
    return done.returncode, json.loads(lines[0]), done.stderr


FAILURES = []


def check(name, condition, detail):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + str(detail)))
    if not condition:
        FAILURES.append(name)


def against_peers(ws_load):
    cases = [
        # mode, every, flags, expected exit, what the report must say
        ("plain", 0, ["--connections", "40", "--says", "10"], 0,
         dict(connected=40, sent=400, replies=400, lost=0, duplicates=0, errors=0, failed=0)),
        ("fragments", 0, ["--connections", "10", "--says", "5"], 0,
         dict(replies=50, unexpected=50, lost=0, failed=0)),
        ("long", 0, ["--connections", "4", "--says", "4"], 0, dict(replies=16, lost=0, failed=0)),
        # The 60th say of 100 goes unanswered: its connection waits for it until the timeout.
        ("drop", 60, ["--connections", "10", "--says", "10", "--timeout", "3"], 1, dict(lost=1, failed=0)),
        ("dup", 9, ["--connections", "10", "--says", "10"], 1, dict(duplicates=11, lost=0)),
        ("error", 0, ["--connections", "3", "--says", "2"], 1, dict(errors=6, replies=0, lost=0)),
        ("masked", 0, ["--connections", "3", "--says", "2"], 1, dict(failed=3, replies=0)),
        ("bad_accept", 0, ["--connections", "3", "--says", "2"], 1, dict(connected=0, failed=3, sent=0)),
        ("hang_up", 1, ["--connections", "5", "--says", "4"], 1, dict(failed=5, lost=5, replies=0)),
        ("idle_ping", 0, ["--connections", "6", "--idle", "--hold", "1"], 0, dict(connected=6, failed=0)),
    ]
    for mode, every, flags, exit_code, expected in cases:
        peer = Peer(mode, every)
        try:
            code, report, stderr = run_load(ws_load, peer.port, *flags)
        finally:
            peer.stop()
        got = {key: report[key] for key in expected}
        check("%s: exit %d" % (mode, exit_code), code == exit_code, "exit %d, %s" % (code, stderr.strip()))
        check("%s: counts" % mode, got == expected, "%s, expected %s" % (got, expected))
        check("%s: every client frame masked and a say" % mode, not peer.violations, peer.violations[:3])
        if mode in ("fragments", "idle_ping"):
            want = 50 if mode == "fragments" else 6
            check("%s: every ping answered with its payload" % mode, peer.pongs == want, peer.pongs)


def against_reframe(ws_load, reframe, flows):
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "serve.yaml")
        with open(config, "w") as out:
            out.write("limits:\n  per_connection: {per_minute: 0}\n  per_ip: {per_minute: 0}\n"
                      "  engine_rate_per_minute: 0\n")
        server = subprocess.Popen([reframe, "serve", "--config", config, "--listen", "127.0.0.1:0", "--flows", flows,
                                   "--db", os.path.join(folder, "load.db"), "--no-watch"],
                                  stderr=subprocess.PIPE, text=True)
        try:
            line = server.stderr.readline()
            port = int(re.search(r"listening on http://127\.0\.0\.1:(\d+)", line).group(1))
            code, report, stderr = run_load(ws_load, port, "--connections", "20", "--says", "5",
                                            "--server-pid", str(server.pid), "--label", "reframe")
            check("reframe serve: exit 0", code == 0, stderr)
            check("reframe serve: every say answered once",
                  (report["replies"], report["lost"], report["duplicates"], report["failed"]) == (100, 0, 0, 0), report)
            check("reframe serve: memory read", report["server_peak_rss_kib"] > 0, report)
        finally:
            server.terminate()
            server.communicate(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ws-load", required=True)
    parser.add_argument("--reframe")
    parser.add_argument("--flows")
    args = parser.parse_args()
    bad_flag = subprocess.run([args.ws_load, "--target", "127.0.0.1:1", "--says", "0"], capture_output=True, text=True)
    check("a bad flag: exit 2 and why", bad_flag.returncode == 2 and "--says" in bad_flag.stderr, bad_flag.stderr)
    refused = subprocess.run([args.ws_load, "--target", "127.0.0.1:1", "--connections", "3", "--says", "1"],
                             capture_output=True, text=True, timeout=60)
    check("nobody listening: exit 1, every connection failed",
          refused.returncode == 1 and '"failed":3' in refused.stdout, refused.stdout + refused.stderr)
    against_peers(args.ws_load)
    if args.reframe:
        against_reframe(args.ws_load, args.reframe, args.flows)
    print("%d check(s) failed" % len(FAILURES) if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
