#!/usr/bin/env python3
"""A small HTTP server for the link tests, on 127.0.0.1: redirect chains, a loop, a 404, a slow endpoint, a
redirect to a private address, and an unsubscribe endpoint. Every request line is appended to LOG, so a test
can prove what was (not) requested.  Usage: http_server.py PORT LOG"""
import http.server
import sys
import time

PORT, LOG = int(sys.argv[1]), sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self):
        with open(LOG, "a") as f:
            f.write(f"{self.command} {self.headers.get('Host')} {self.path} UA={self.headers.get('User-Agent')}\n")
        host = (self.headers.get("Host") or "").split(":")[0]
        base = f"http://{{}}:{PORT}"
        routes = {
            "/r1": (302, "/r2"),
            "/r2": (301, base.format("landing.links.test") + "/final"),
            "/final": (200, None),
            "/to-listed": (302, base.format("bad.links.test") + "/final"),
            "/loop1": (302, "/loop2"),
            "/loop2": (302, "/loop1"),
            "/missing": (404, None),
            "/to-private": (302, "http://10.1.2.3/secret"),
            "/to-unsubscribe": (302, "/unsubscribe?u=1"),
            "/unsubscribe": (200, None),
            "/no-head": (200, None),
        }
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
            self.end_headers()
            return
        status, location = routes.get(self.path.split("?")[0], (404, None))
        if self.path == "/slow":
            status = 200
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0" if self.command == "HEAD" else "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"ok")

    do_GET = reply
    do_HEAD = reply


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
