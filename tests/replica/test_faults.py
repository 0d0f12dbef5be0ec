"""The replica's fault mode (tests/replica/faults.py) answers each kind of fault as a real server would, over
real HTTP, deterministically per page."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.replica.faults import KINDS, FaultPlan
from tests.replica.server import Replica


@pytest.fixture(scope="module")
def faulty() -> Iterator[tuple[Replica, list[str]]]:
    with Replica.start(synthetic=len(KINDS) + 1, fixtures_dir=None) as replica:
        paths = [urlsplit(replica.url(e.page_url)).path for e in replica.site.articles]
        replica.site.fault_plan = FaultPlan(pages=dict(zip(paths, KINDS, strict=False)), share=0.0, hang_seconds=1.5,
                                            retry_after=7, foreign_origin="http://127.0.0.2:8999", huge_bytes=1 << 20)
        yield replica, paths


def get(replica: Replica, path: str, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    host, port = urlsplit(replica.origin).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path)
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        conn.close()


def fault(faulty: tuple[Replica, list[str]], kind: str) -> tuple[Replica, str]:
    replica, paths = faulty
    return replica, paths[KINDS.index(kind)]


@pytest.mark.parametrize("kind", ["500", "502", "503", "429", "403_challenge"])
def test_status_faults(faulty, kind: str) -> None:  # noqa: ANN001
    replica, path = fault(faulty, kind)
    status, headers, body = get(replica, path)
    assert status == int(kind[:3])
    assert headers.get("retry-after") == ("7" if kind in ("429", "503") else None)
    if kind == "403_challenge":
        assert b"Just a moment" in body


def test_reset_and_hang_send_no_response(faulty) -> None:  # noqa: ANN001
    replica, path = fault(faulty, "reset")
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        get(replica, path)
    replica, path = fault(faulty, "hang")
    with pytest.raises((socket.timeout, TimeoutError)):
        get(replica, path, timeout=0.5)


def test_truncated_bodies(faulty) -> None:  # noqa: ANN001
    replica, path = fault(faulty, "truncated")
    with pytest.raises(http.client.IncompleteRead):
        get(replica, path)
    replica, path = fault(faulty, "truncated_nolength")
    status, headers, body = get(replica, path)
    assert status == 200 and "content-length" not in headers
    assert body and b"</html>" not in body


def test_bodies_and_headers(faulty) -> None:  # noqa: ANN001
    replica, paths = faulty
    healthy = paths[-1]
    _, _, whole = get(replica, healthy)
    assert whole.rstrip().endswith(b"</html>")
    status, _, body = get(*fault(faulty, "empty"))
    assert (status, body) == (200, b"")
    status, headers, body = get(*fault(faulty, "non_html"))
    assert headers["content-type"] == "application/octet-stream" and b"<html" not in body
    status, headers, body = get(*fault(faulty, "wrong_charset"))
    assert headers["content-type"] == "text/html; charset=iso-8859-1" and "\u201c".encode() in body
    status, headers, body = get(*fault(faulty, "huge"))
    assert len(body) >= 1 << 20 and body.rstrip().endswith(b"</html>")


def test_redirects(faulty) -> None:  # noqa: ANN001
    replica, path = fault(faulty, "redirect_loop")
    status, headers, _ = get(replica, path)
    assert status == 302 and headers["location"] == f"{path}?_loop=1"
    status, headers, _ = get(replica, headers["location"])
    assert status == 302 and headers["location"] == path
    replica, path = fault(faulty, "redirect_foreign")
    status, headers, _ = get(replica, path)
    assert status == 302 and headers["location"] == "http://127.0.0.2:8999" + path


def test_faults_are_a_function_of_seed_and_page() -> None:
    paths = [f"/internasional/artikel-{n}-{9000000 + n}" for n in range(400)]
    a, b, c = FaultPlan(share=0.3, seed=1), FaultPlan(share=0.3, seed=1), FaultPlan(share=0.3, seed=2)
    assert [a.kind_for(p) for p in paths] == [b.kind_for(p) for p in paths]
    assert [a.kind_for(p) for p in paths] != [c.kind_for(p) for p in paths]
    share = sum(a.kind_for(p) is not None for p in paths) / len(paths)
    assert 0.2 < share < 0.4
    assert {a.kind_for(p) for p in paths} - {None} == set(KINDS)
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan(kinds=("503", "meteor"))
