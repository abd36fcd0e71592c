"""A real server and a real browser: `ipassist serve` (gunicorn, production settings over plain
HTTP) on a fresh SQLite database with the demo data, driven by Debian's chromium through Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Flags for a closed network: no background requests to update or sync services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_url(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "browser-tests-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "IPASSIST_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "ipassist.settings",
    }
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "ipassist.cli"]
    for step in (["migrate", "--noinput", "-v0"], ["demo", "--allow-production"]):
        subprocess.run([*cli, *step], env=env, check=True, capture_output=True, timeout=300)
    log = (var / "server.log").open("w")
    server = subprocess.Popen(
        [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError((var / "server.log").read_text()) from None
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("ipassist serve did not start in 60 s")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run `make browser-setup`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE.exists(), "axe-core is missing: run `make browser-setup` (npm ci)"
    return AXE.read_text(encoding="utf-8")
