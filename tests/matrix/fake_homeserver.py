#!/usr/bin/env python3
"""A fake Matrix homeserver for reframe's tests: the client-server (v3) endpoints the bot
uses, with realistic behaviour, plus a small control API under /_test/ for the tests.

Python 3 standard library only. Binds 127.0.0.1, prints its port on the first line of
stdout, and serves until killed. With --state FILE it keeps its state in FILE (written
after every change), so a test can kill it and start it again with the same rooms,
tokens and event stream ("a homeserver restart").

Client-server behaviour: password login (the user may be a localpart or a full id; a
given device_id is reused), whoami, /sync long-poll with since/timeout/filter
(timeline limit, invite_state with the invite's is_direct and m.room.encryption,
rooms.leave, m.direct account data, summary.m.joined_member_count), join, leave, send
with transaction ids de-duplicated per device, typing, read receipts. Errors use the
spec's JSON shape {"errcode","error"}.

Faults (POST /_test/fault): the next `count` requests whose path contains `path` answer
`status` (429 with retry_after_ms in the body, or only a Retry-After header), or the
connection is dropped without an answer. POST /_test/invalidate_tokens forgets every
access token (M_UNKNOWN_TOKEN).
"""
import argparse
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVER = "localhost"


class State:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Condition()
        self.users = {}  # mxid -> password
        self.tokens = {}  # token -> [mxid, device]
        self.rooms = {}  # room_id -> {"members": {mxid: membership}, "encrypted": bool, "direct": bool}
        self.events = []  # [{"pos", "room_id", "event", "visible": [mxid...]}]
        self.txns = {}  # "device|txn" -> event_id
        self.direct = {}  # mxid -> {person: [room ids]}
        self.typing = []
        self.receipts = []
        self.counter = 0
        self.faults = []
        self.drop_after_send = 0
        self.requests = 0
        if path and os.path.exists(path):
            with open(path) as f:
                saved = json.load(f)
            for key in ("users", "tokens", "rooms", "events", "txns", "direct", "counter"):
                setattr(self, key, saved[key])

    def save(self):
        if not self.path:
            return
        data = {k: getattr(self, k) for k in ("users", "tokens", "rooms", "events", "txns", "direct", "counter")}
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f)
        os.replace(tmp, self.path)

    def next_id(self, prefix):
        self.counter += 1
        # '+' and '/' as in real (v3 room version) event ids: clients must escape them in paths.
        return f"{prefix}{self.counter}a+b/c" if prefix == "$" else f"{prefix}{self.counter}:{SERVER}"

    def append(self, room_id, event):
        room = self.rooms[room_id]
        event.setdefault("event_id", self.next_id("$"))
        event.setdefault("origin_server_ts", int(time.time() * 1000))
        event["room_id"] = room_id
        if event["type"] == "m.room.member":
            room["members"][event["state_key"]] = event["content"]["membership"]
        visible = [m for m, ms in room["members"].items() if ms == "join"]
        if event["type"] == "m.room.member" and event["state_key"] not in visible:
            visible.append(event["state_key"])
        self.events.append({"pos": len(self.events) + 1, "room_id": room_id, "event": event, "visible": visible})
        self.save()
        self.lock.notify_all()
        return event["event_id"]


def member_event(sender, target, membership, direct=False):
    content = {"membership": membership}
    if direct:
        content["is_direct"] = True
    return {"type": "m.room.member", "sender": sender, "state_key": target, "content": content}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None

    def log_message(self, *args):
        pass

    # ---- plumbing -------------------------------------------------------------------
    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, errcode, message):
        self.reply(status, {"errcode": errcode, "error": message})

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        return json.loads(raw)

    def auth(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            self.error(401, "M_MISSING_TOKEN", "Missing access token")
            return None
        entry = self.state.tokens.get(header[7:])
        if entry is None:
            self.error(401, "M_UNKNOWN_TOKEN", "Unknown access token")
            return None
        return entry

    def fault(self, path):
        for f in self.state.faults:
            if f["path"] in path and f["count"] > 0:
                f["count"] -= 1
                return dict(f)
        return None

    def handle_any(self, method):
        parsed = urllib.parse.urlsplit(self.path)
        segments = [urllib.parse.unquote(s) for s in parsed.path.split("/")[1:]]
        query = dict(urllib.parse.parse_qsl(parsed.query))
        body = self.body() if method != "GET" else {}
        if segments[:1] == ["_test"]:
            with self.state.lock:
                return self.control(method, segments[1:], query, body)
        with self.state.lock:
            self.state.requests += 1
            f = self.fault(parsed.path)
        if f:
            if f.get("drop"):
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if f["status"] == 429:
                if f.get("header_only"):
                    return self.reply(429, {"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests"},
                                      {"Retry-After": str(f.get("retry_after_s", 1))})
                return self.reply(429, {"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests",
                                        "retry_after_ms": f.get("retry_after_ms", 100)})
            return self.error(f["status"], "M_UNKNOWN", "Internal server error")
        if segments[:3] != ["_matrix", "client", "v3"]:
            return self.error(404, "M_UNRECOGNIZED", "Unrecognized request")
        self.client(method, segments[3:], query, body)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    # ---- client-server API ------------------------------------------------------------
    def client(self, method, seg, query, body):
        st = self.state
        if method == "POST" and seg == ["login"]:
            return self.login(body)
        if method == "GET" and seg == ["sync"]:
            return self.sync(query)
        with st.lock:
            who = self.auth()
            if who is None:
                return
            user, device = who
            if method == "GET" and seg == ["account", "whoami"]:
                return self.reply(200, {"user_id": user, "device_id": device})
            if len(seg) >= 3 and seg[0] == "rooms":
                return self.room_call(method, seg[1], seg[2:], body, user, device)
            self.error(404, "M_UNRECOGNIZED", "Unrecognized request")

    def login(self, body):
        st = self.state
        with st.lock:
            ident = body.get("identifier", {})
            if body.get("type") != "m.login.password" or ident.get("type") != "m.id.user":
                return self.error(400, "M_UNKNOWN", "Bad login type")
            user = ident.get("user", "")
            if not user.startswith("@"):
                user = f"@{user}:{SERVER}"
            if st.users.get(user) != body.get("password"):
                return self.error(403, "M_FORBIDDEN", "Invalid username or password")
            device = body.get("device_id") or f"DEV{st.next_id('d')[1:].split(':')[0]}"
            token = f"tok_{st.next_id('t').split(':')[0]}"
            st.tokens[token] = [user, device]
            st.save()
            return self.reply(200, {"user_id": user, "access_token": token, "device_id": device})

    def room_call(self, method, room_id, seg, body, user, device):
        st = self.state
        room = st.rooms.get(room_id)
        if room is None:
            return self.error(404, "M_NOT_FOUND", "Unknown room")
        membership = room["members"].get(user)
        if method == "POST" and seg == ["join"]:
            if membership not in ("invite", "join"):
                return self.error(403, "M_FORBIDDEN", "You are not invited to this room")
            if membership != "join":
                st.append(room_id, member_event(user, user, "join"))
            return self.reply(200, {"room_id": room_id})
        if method == "POST" and seg == ["leave"]:
            if membership in ("invite", "join"):
                st.append(room_id, member_event(user, user, "leave"))
            return self.reply(200, {})
        if membership != "join":
            return self.error(403, "M_FORBIDDEN", "You are not in this room")
        if method == "PUT" and len(seg) == 3 and seg[0] == "send":
            key = f"{user}|{device}|{seg[2]}"
            if key in st.txns:
                return self.reply(200, {"event_id": st.txns[key]})
            event_id = st.append(room_id, {"type": seg[1], "sender": user, "content": body})
            st.txns[key] = event_id
            st.save()
            if st.drop_after_send > 0:
                # The event is stored but the answer is lost: the client must retry with the same txn id.
                st.drop_after_send -= 1
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            return self.reply(200, {"event_id": event_id})
        if method == "PUT" and len(seg) == 2 and seg[0] == "typing":
            if seg[1] != user or not isinstance(body.get("typing"), bool):
                return self.error(400, "M_INVALID_PARAM", "Bad typing request")
            st.typing.append([room_id, body["typing"]])
            return self.reply(200, {})
        if method == "POST" and len(seg) == 3 and seg[0] == "receipt":
            if seg[1] != "m.read" or not any(e["event"]["event_id"] == seg[2] for e in st.events):
                return self.error(400, "M_INVALID_PARAM", "Unknown event or receipt type")
            st.receipts.append([room_id, seg[2]])
            return self.reply(200, {})
        self.error(404, "M_UNRECOGNIZED", "Unrecognized request")

    def sync(self, query):
        st = self.state
        with st.lock:
            who = self.auth()
            if who is None:
                return
            user = who[0]
            try:
                filt = json.loads(query.get("filter", "{}"))
                limit = int(filt.get("room", {}).get("timeline", {}).get("limit", 20))
                since = int(query["since"][1:]) if "since" in query else None
                timeout = int(query.get("timeout", "0")) / 1000.0
            except (ValueError, KeyError):
                return self.error(400, "M_INVALID_PARAM", "Bad sync parameters")
            deadline = time.time() + timeout
            while since is not None and not self.pending(user, since) and time.time() < deadline:
                st.lock.wait(deadline - time.time())
            if user not in [v[0] for v in st.tokens.values()] or self.headers.get("Authorization", "")[7:] not in st.tokens:
                return self.error(401, "M_UNKNOWN_TOKEN", "Unknown access token")
            self.reply(200, self.sync_body(user, since, limit))

    def pending(self, user, since):
        return any(e["pos"] > since and user in e["visible"] for e in self.state.events)

    def sync_body(self, user, since, limit):
        st = self.state
        out = {"next_batch": f"s{len(st.events)}", "rooms": {"join": {}, "invite": {}, "leave": {}},
               "account_data": {"events": []}}
        start = since or 0
        for room_id, room in st.rooms.items():
            ms = room["members"].get(user)
            events = [e["event"] for e in st.events[start:] if e["room_id"] == room_id and user in e["visible"]]
            if ms == "invite":
                invite = [e["event"] for e in st.events if e["room_id"] == room_id and e["event"]["type"] == "m.room.member"
                          and e["event"]["state_key"] == user][-1]
                if since is None or events:
                    stripped = [{k: invite[k] for k in ("type", "sender", "state_key", "content")}]
                    if room["encrypted"]:
                        stripped.append({"type": "m.room.encryption", "sender": invite["sender"], "state_key": "",
                                         "content": {"algorithm": "m.megolm.v1.aes-sha2"}})
                    out["rooms"]["invite"][room_id] = {"invite_state": {"events": stripped}}
            elif ms == "join" and (events or since is None):
                joined = sum(1 for m in room["members"].values() if m == "join")
                state = [{"type": "m.room.encryption", "sender": user, "state_key": "", "event_id": "$enc",
                          "content": {"algorithm": "m.megolm.v1.aes-sha2"}}] if room["encrypted"] else []
                out["rooms"]["join"][room_id] = {"timeline": {"events": events[-limit:], "limited": len(events) > limit},
                                                 "state": {"events": state},
                                                 "summary": {"m.joined_member_count": joined}}
            elif ms in ("leave", "ban") and events:
                out["rooms"]["leave"][room_id] = {"timeline": {"events": events[-limit:]}}
        if user in st.direct:
            out["account_data"]["events"].append({"type": "m.direct", "content": st.direct[user]})
        return out

    # ---- control API ------------------------------------------------------------------
    def control(self, method, seg, query, body):
        st = self.state
        if seg == ["register"]:
            st.users[body["user"]] = body["password"]
            st.save()
            return self.reply(200, {})
        if seg == ["create_room"]:
            room_id = st.next_id("!r")
            creator = body["creator"]
            st.rooms[room_id] = {"members": {}, "encrypted": bool(body.get("encrypted")),
                                 "direct": bool(body.get("is_direct"))}
            st.append(room_id, member_event(creator, creator, "join"))
            for m in body.get("members", []):
                st.append(room_id, member_event(m, m, "join"))
            for invitee in body.get("invite", []):
                st.append(room_id, member_event(creator, invitee, "invite", bool(body.get("is_direct"))))
            return self.reply(200, {"room_id": room_id})
        if seg == ["send"]:
            event_id = st.append(body["room_id"], {"type": "m.room.message", "sender": body["sender"],
                                                   "content": {"msgtype": body.get("msgtype", "m.text"),
                                                               "body": body["body"]}})
            return self.reply(200, {"event_id": event_id})
        if seg == ["membership"]:
            st.append(body["room_id"], member_event(body["user"], body["user"], body["membership"]))
            return self.reply(200, {})
        if seg == ["messages"]:
            room_id = query.get("room_id")
            sender = query.get("sender")
            found = [e["event"] for e in st.events if e["event"]["type"] == "m.room.message"
                     and (room_id is None or e["room_id"] == room_id) and (sender is None or e["event"]["sender"] == sender)]
            return self.reply(200, {"events": found})
        if seg == ["rooms"]:
            return self.reply(200, {"rooms": st.rooms})
        if seg == ["fault"]:
            st.faults.append(dict(body))
            return self.reply(200, {})
        if seg == ["drop_after_send"]:
            st.drop_after_send = int(body["count"])
            return self.reply(200, {})
        if seg == ["clear_faults"]:
            st.faults.clear()
            return self.reply(200, {})
        if seg == ["invalidate_tokens"]:
            st.tokens.clear()
            st.save()
            return self.reply(200, {})
        if seg == ["stats"]:
            return self.reply(200, {"requests": st.requests, "typing": len(st.typing), "receipts": len(st.receipts),
                                    "faults_left": sum(f["count"] for f in st.faults),
                                    "tokens": len(st.tokens), "events": len(st.events)})
        self.error(404, "M_UNRECOGNIZED", "Unknown control call")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hangs up (the bot cancelling a long poll at shutdown) is normal.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", default="")
    parser.add_argument("--user", action="append", default=[], help="@user:localhost=password (repeatable)")
    args = parser.parse_args()
    state = State(args.state)
    for entry in args.user:
        user, _, password = entry.partition("=")
        state.users[user] = password
    Handler.state = state
    server = Server(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
