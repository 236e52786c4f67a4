"""A tiny local stand-in for the Hugging Face hub API (127.0.0.1, no network).

It answers what ``HfApi.create_repo`` and ``HfApi.upload_folder`` ask: repository creation,
pre-upload (every file "regular", so contents travel inline in the commit) and the commit
itself, whose files it keeps in ``repos[repo_id][path] = bytes`` for the test to compare.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class HubStub:
    def __init__(self) -> None:
        self.repos: dict[str, dict[str, bytes]] = {}
        self.created: list[dict[str, Any]] = []
        self.requests: list[str] = []
        self.authorization: list[str | None] = []
        self.validated: list[str] = []
        #: the only token whoami accepts (None: any)
        self.token: str | None = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                if self.headers.get("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                return data

            def _reply(self, payload: Any, status: int = 200) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                stub.requests.append(f"POST {self.path}")
                stub.authorization.append(self.headers.get("Authorization"))
                body = self._body()
                host = f"http://{self.headers['Host']}"
                if self.path == "/api/repos/create":
                    info = json.loads(body)
                    name = info["name"] if "/" in info["name"] else f"tester/{info['name']}"
                    if info.get("organization"):
                        name = f"{info['organization']}/{info['name']}"
                    stub.created.append(info)
                    stub.repos.setdefault(name, {})
                    return self._reply({"url": f"{host}/{name}", "name": name, "id": name})
                if self.path == "/api/validate-yaml":  # the card's metadata, checked by the hub
                    stub.validated.append(json.loads(body).get("content", ""))
                    return self._reply({"errors": [], "warnings": []})
                if "/preupload/" in self.path:
                    files = json.loads(body)["files"]
                    return self._reply(
                        {
                            "files": [
                                {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                for f in files
                            ],
                            "commitOid": "0" * 40,
                        }
                    )
                if "/commit/" in self.path:
                    repo = self.path.split("/api/models/", 1)[1].split("/commit/", 1)[0]
                    files = stub.repos.setdefault(repo, {})
                    for line in body.decode().splitlines():
                        item = json.loads(line)
                        if item.get("key") == "file":
                            value = item["value"]
                            files[value["path"]] = base64.b64decode(value["content"])
                    return self._reply(
                        {
                            "commitUrl": f"{host}/{repo}/commit/{'1' * 40}",
                            "commitOid": "1" * 40,
                            "pullRequestUrl": None,
                        }
                    )
                return self._reply({"error": f"stub: unknown {self.path}"}, 404)

            def do_GET(self) -> None:  # noqa: N802
                stub.requests.append(f"GET {self.path}")
                if self.path == "/api/whoami-v2":  # the pre-flight check of --push-to-hub
                    given = self.headers.get("Authorization")
                    if stub.token is not None and given != f"Bearer {stub.token}":
                        return self._reply({"error": "Invalid credentials"}, 401)
                    return self._reply({"type": "user", "name": "tester", "orgs": []})
                return self._reply({"error": f"stub: unknown {self.path}"}, 404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HubStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
