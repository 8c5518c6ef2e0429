"""A local HTTP server that answers as the LINE Messaging API's push endpoint does.

Real HTTP on 127.0.0.1 in a thread (the SDK, urllib3 and the sockets all run as in
production); only the far end is ours. Answers, as documented at
https://developers.line.biz/en/reference/messaging-api/#send-push-message:

- ``POST /v2/bot/message/push`` with ``Authorization: Bearer <token>`` and a JSON body
  ``{"to": "U…", "messages": [{"type": "text", "text": "…"}]}`` → 200 ``{"sentMessages": [...]}``;
- a wrong token → 401, a malformed ``to`` or body → 400, both with LINE's error JSON;
- a retry key (``X-Line-Retry-Key``) already accepted → 409 with the ``sentMessages`` of the
  first request, and nothing is delivered twice;
- ``fail_next(status, body)`` queues answers for the next requests (a 500, a 429 …).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TO = re.compile(r"^[UCR][0-9a-f]{32}$")


@dataclass
class Push:
    to: str
    texts: list[str]
    retry_key: str | None
    headers: dict[str, str] = field(default_factory=dict)


class LineApiServer:
    def __init__(self, token: str):
        self.token = token
        self.delivered: list[Push] = []  # accepted pushes, in order
        self.requests = 0
        self._failures: deque[tuple[int, dict]] = deque()
        self._accepted: dict[str, list[dict]] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def fail_next(self, status: int, body: dict | None = None, times: int = 1) -> None:
        for _ in range(times):
            self._failures.append((status, body or {"message": "An error occurred"}))

    def start(self) -> LineApiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer(self, headers, raw: bytes, path: str) -> tuple[int, dict]:
        with self._lock:
            self.requests += 1
            if path != "/v2/bot/message/push":
                return 404, {"message": "Not found"}
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {
                    "message": "Authentication failed. Confirm that the access token in the "
                    "authorization header is valid."
                }
            if self._failures:
                return self._failures.popleft()
            try:
                body = json.loads(raw)
            except ValueError:
                return 400, {"message": "The request body has 1 error(s)"}
            to, messages = body.get("to", ""), body.get("messages") or []
            if not TO.match(to):
                return 400, {
                    "message": "The property, 'to', in the request body is invalid (line: -, "
                    "column: -)"
                }
            if not 1 <= len(messages) <= 5 or any(
                m.get("type") != "text" or not 0 < len(m.get("text", "")) <= 5000 for m in messages
            ):
                return 400, {
                    "message": "The request body has 1 error(s)",
                    "details": [{"message": "Invalid messages", "property": "messages"}],
                }
            key = headers.get("X-Line-Retry-Key")
            if key and key in self._accepted:
                return 409, {
                    "message": "The retry key is already accepted",
                    "sentMessages": self._accepted[key],
                }
            sent = [
                {"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in messages
            ]
            if key:
                self._accepted[key] = sent
            self.delivered.append(
                Push(
                    to=to, texts=[m["text"] for m in messages], retry_key=key, headers=dict(headers)
                )
            )
            return 200, {"sentMessages": sent}

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload = server._answer(self.headers, raw, self.path)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-line-request-id", uuid.uuid4().hex)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet test output
                pass

        return Handler
