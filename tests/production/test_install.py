"""The install is whole: the wheel (the README's production install) carries compiled
Chinese catalogs, templates, static files and migrations. It is built from a clean copy of
the tracked files, installed into a fresh virtualenv outside the checkout, migrated and
served by gunicorn from a folder that is not the checkout: the login page reads in Chinese."""

import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests

from tests.support.live import free_port

pytestmark = [pytest.mark.install, pytest.mark.live]
ROOT = Path(__file__).resolve().parents[2]


def _sh(*args, cwd, env=None, timeout=180) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_wheel_installs_a_whole_portal_that_speaks_chinese(tmp_path):
    # A clean copy of what is committed (no compiled catalogs, no instance, no .venv).
    source = tmp_path / "src"
    files = _sh("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                cwd=ROOT).split("\0")
    for name in filter(None, files):
        path = ROOT / name
        if path.is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes(path.read_bytes())
    assert not list(source.rglob("*.mo"))
    dist = tmp_path / "dist"
    _sh(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "-w", dist, source, cwd=tmp_path)
    wheel = next(dist.glob("alliance_portal-*.whl"))

    # A fresh virtualenv; its dependencies come from this interpreter's site-packages
    # (a path in a .pth file: that folder's own .pth files, e.g. an editable install of
    # the checkout, are not read), and the wheel is installed into it, offline.
    venv = tmp_path / "venv"
    _sh(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(_sh(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                    cwd=tmp_path).strip())
    (site / "shared-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _sh(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    run = tmp_path / "run"
    run.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{run / 'p.db'}",
           "SECRET_KEY": "install-test", "PORTAL_INSTANCE": str(run / "instance"),
           "PASSWORD_HASHER": "fast", "PYTHONWARNINGS": "ignore"}
    where = _sh(python, "-c", "import portal, wsgi; print(portal.__file__); print(wsgi.__file__)",
                cwd=run, env=env)
    assert str(ROOT) not in where and str(site) in where
    _sh(python, "-m", "flask", "--app", "wsgi", "db", "upgrade", cwd=run, env=env)

    port = free_port()
    log = (run / "gunicorn.log").open("w")
    # The README's worker class: gevent comes with the install.
    server = subprocess.Popen([python, "-m", "gunicorn", "--worker-class", "gevent",
                               "--workers", "1", "--bind", f"127.0.0.1:{port}",
                               "wsgi:app"], cwd=run, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 40
        page = None
        while time.monotonic() < deadline:
            try:
                page = requests.get(url + "/login", headers={"Accept-Language": "zh-CN"}, timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        assert page is not None, (run / "gunicorn.log").read_text()
        assert page.status_code == 200
        assert 'lang="zh-CN"' in page.text and "登录" in page.text and "密码" in page.text
        css = requests.get(url + "/static/css/portal.css", timeout=2)
        assert css.status_code == 200 and css.text.strip()
        english = requests.get(url + "/login", headers={"Accept-Language": "en"}, timeout=2)
        assert "Sign in" in english.text or "Log in" in english.text
    finally:
        server.terminate()
        server.wait(10)
