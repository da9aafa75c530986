"""The Content-Security-Policy lets scripts open sockets to this host only."""

import re


def _connect_src(response) -> list[str]:
    policy = response.headers["Content-Security-Policy"]
    return re.search(r"connect-src ([^;]*)", policy).group(1).split()


def test_sockets_may_connect_to_this_host_only(client):
    sources = _connect_src(client.get("/login", base_url="https://portal.example"))
    assert sources == ["'self'", "ws://portal.example", "wss://portal.example"]
    assert "ws:" not in sources and "wss:" not in sources


def test_the_port_is_part_of_the_host(client):
    sources = _connect_src(client.get("/login", base_url="http://127.0.0.1:5000"))
    assert "ws://127.0.0.1:5000" in sources


def test_a_strange_host_header_cannot_widen_the_policy(client):
    r = client.get("/login", headers={"Host": "x; script-src *"})
    assert "script-src *" not in r.headers["Content-Security-Policy"]
    assert _connect_src(r) == ["'self'"]
