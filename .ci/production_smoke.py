"""Production mode, started the way the README says, checked over HTTP as a client sees it.

Run by .ci/run after the suites (``make production-smoke``): a fresh var/ directory, a secret
from a file, PRACHARAT_PRODUCTION=1 on the PostgreSQL given by DATABASE_URL (and Redis when
REDIS_URL is set). It runs migrate, check --deploy, the geography and the demo, starts
``pracharat serve`` on 127.0.0.1, then fetches pages, the static files they link, the API and
the admin through a client that says it came over HTTPS (as a TLS-terminating proxy would), and
fails on any 5xx, any missing static file, missing security headers or a traceback in the log.
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRACHARAT = [sys.executable, "-m", "pracharat"]
PAGES = [
    "/",
    "/market/",
    "/market/?q=%E0%B8%99%E0%B9%89%E0%B8%B3%E0%B8%9E%E0%B8%A3%E0%B8%B4%E0%B8%81",  # น้ำพริก
    "/network/",
    "/network/map/65/",
    "/network/area/65/",
    "/network/points/NP-65060209/",
    "/geo/65/",
    "/geo/65060209/",
    "/accounts/login/",
    "/market/orders/lookup/",
    "/admin/login/",
    "/api/v1/docs",
]
API = [
    "/api/v1/openapi.json",
    "/api/v1/geo/provinces",
    "/api/v1/network/service-points?area=65",
    "/api/v1/market/products",
]
SECURITY_HEADERS = ("Content-Security-Policy", "Permissions-Policy", "Strict-Transport-Security")
# Made in the demo database by the smoke itself: an officer's API token for the scoped endpoints.
TOKEN_SCRIPT = (
    "from pracharat.accounts.actions import issue_api_token;"
    "from pracharat.accounts.models import User;"
    "print(issue_api_token(User.objects.get(email='officer.phitsanulok@pracharat.local'),"
    " 'production smoke')[1])"
)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(base: str, path: str, *, https: bool = True, method: str = "GET", token: str = ""):
    request = urllib.request.Request(base + path, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if https:
        request.add_header("X-Forwarded-Proto", "https")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_port() -> int:
    with socket.socket(type=socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(var: Path, secret_files: tuple[str, ...] = ("secret_key",), **extra) -> dict:
    """The environment of a production process with its var/ directory in ``var``: each of
    ``secret_files`` made there as ``<NAME>_FILE`` (random), the platform's Ed25519 signing key
    (core.keys) made as documented, and ``extra``; the secrets' plain variables dropped."""
    signing = var / "signing_key.pem"
    signing.write_bytes(
        subprocess.run(
            [*PRACHARAT, "signing_key"], check=True, capture_output=True, timeout=120,
            env={**os.environ, "PRACHARAT_VAR_DIR": str(var)},
        ).stdout
    )  # fmt: skip
    env = {
        **os.environ,
        "PRACHARAT_PRODUCTION": "1",
        "DEBUG": "0",
        "PLATFORM_SIGNING_KEY_FILE": str(signing),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PRACHARAT_VAR_DIR": str(var),
    }
    for name in secret_files:
        (var / name).write_text(secrets.token_urlsafe(50))
        env[f"{name.upper()}_FILE"] = str(var / name)
    env.update(extra)
    for name in (*secret_files, "platform_signing_key"):
        env.pop(name.upper(), None)
    return env


def pracharat(env: dict, *argv: str, who: str, capture: bool = False, timeout: int = 900) -> str:
    """``pracharat <argv>`` in ``env`` from the repository root; its stdout when ``capture``."""
    print(f"production {who}: pracharat", *argv[:2], flush=True)
    done = subprocess.run(
        [*PRACHARAT, *argv], env=env, cwd=ROOT, check=True, timeout=timeout,
        capture_output=capture, text=True,
    )  # fmt: skip
    return done.stdout if capture else ""


def api_token(env: dict, who: str) -> str:
    """An officer's API token in the demo database (TOKEN_SCRIPT)."""
    out = pracharat(env, "shell", "-c", TOKEN_SCRIPT, who=who, capture=True, timeout=120)
    return out.strip().splitlines()[-1]


def holds_traceback(log: str) -> bool:
    return "Traceback" in log or "Internal Server Error" in log


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("production smoke: DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    var = Path(tempfile.mkdtemp(prefix="pracharat-prod-"))
    port = free_port()
    # its own RADIUS port: a `make run` on the same machine holds 1813
    env = production_env(var, RADIUS_BIND=f"127.0.0.1:{free_udp_port()}")

    def run(*argv: str) -> None:
        pracharat(env, *argv, who="smoke")

    run("migrate", "--noinput", "-v0")
    run("check", "--deploy", "--fail-level", "WARNING")
    run("load_geography")
    run("demo")
    token = api_token(env, "smoke")
    log = (var / "serve.log").open("w")
    server = subprocess.Popen(
        [*PRACHARAT, "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []
    try:
        # serve collects (and compresses) the static files first: minutes on a loaded machine
        deadline = time.monotonic() + 300
        while True:
            try:
                fetch(base, "/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    print((var / "serve.log").read_text()[-4000:], file=sys.stderr)
                    print("production smoke: serve did not start", file=sys.stderr)
                    return 1
                time.sleep(0.5)

        status, headers, _ = fetch(base, "/", https=False)
        if status != 301 or not headers.get("Location", "").startswith("https://"):
            failures.append(f"plain HTTP answered {status}, not a redirect to HTTPS")

        statics: set[str] = set()
        for path in PAGES:
            status, headers, body = fetch(base, path)
            print(f"  {status} {len(body):>7} B  {path}")
            if status != 200:
                failures.append(f"{path}: {status}")
                continue
            for name in (
                "Content-Security-Policy",
                "Permissions-Policy",
                "Strict-Transport-Security",
            ):
                if name not in headers:
                    failures.append(f"{path}: no {name} header")
            html = body.decode("utf-8", "replace")
            statics.update(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))
            statics.update(re.findall(r'data-(?:css|js)="(/static/[^"]+)"', html))
            statics.update(re.findall(r'src="(/media/[^"]+)"', html))  # public product photos
        if not any(re.search(r"/static/core/site\.[0-9a-f]{12}\.css", s) for s in statics):
            failures.append("pages do not link the hashed core/site.css of the manifest")
        for path in sorted(statics):
            status, headers, body = fetch(base, path)
            if status != 200 or not body:
                failures.append(f"{path}: {status}")
            elif path.startswith("/static/") and "immutable" not in headers.get(
                "Cache-Control", ""
            ):
                failures.append(f"{path}: not cached as immutable")
        print(f"  {len(statics)} static and media files fetched")

        for path in API:
            status, headers, body = fetch(base, path)
            print(f"  {status} {len(body):>7} B  {path}")
            if status != 200 or "json" not in headers.get("Content-Type", ""):
                failures.append(f"{path}: {status} {headers.get('Content-Type')}")
            else:
                json.loads(body)
        status, _, body = fetch(base, "/api/v1/network/incidents", token=token)
        print(f"  {status} {len(body):>7} B  /api/v1/network/incidents (officer's token)")
        if status != 200:
            failures.append(f"/api/v1/network/incidents with a token: {status}")
        status, _, _ = fetch(base, "/api/v1/network/incidents")
        if status != 401:
            failures.append(f"/api/v1/network/incidents without a token: {status}, not 401")
        status, _, body = fetch(base, "/api/v1/no-such-endpoint")
        if status != 404 or json.loads(body)["error"]["code"] != "not_found":
            failures.append(f"unknown API path: {status}")
        status, headers, body = fetch(base, "/", method="HEAD")
        if status != 200 or body:
            failures.append(f"HEAD /: {status} with {len(body)} bytes")
        status, _, _ = fetch(base, "/no/such/page/")
        if status != 404:
            failures.append(f"unknown page: {status}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    served = (var / "serve.log").read_text()
    if holds_traceback(served):
        failures.append("the server log holds a traceback:\n" + served[-4000:])
    if failures:
        print("production smoke FAILED:\n- " + "\n- ".join(failures), file=sys.stderr)
        return 1
    print("production smoke: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
