"""Blocked is not empty (tempo_crawler/blocking.py): challenge pages recognised, counted per host, never
passed on; the verdict that makes the crawl exit with status 3."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from tempo_crawler.blocking import ChallengeBlocked, ChallengeMiddleware, challenge_reason, verdict
from tempo_crawler.render.fallback import KIND
from tests.replica.evidence import ATTENTION, JUST_A_MOMENT
from tests.support.stats import Stats

ARTICLE = "https://www.tempo.co/internasional/contoh-1234567"


def response(status: int, body: bytes, url: str = ARTICLE, **headers: str) -> HtmlResponse:
    return HtmlResponse(url, status=status, body=body, headers=headers, request=Request(url, meta={KIND: "article"}))


@pytest.mark.parametrize(("status", "body", "headers", "why"), [
    (403, JUST_A_MOMENT, {"cf-mitigated": "challenge"}, "cf-mitigated: challenge"),
    (200, b"<html></html>", {"cf-mitigated": "challenge"}, "cf-mitigated"),       # the header alone
    (503, JUST_A_MOMENT, {}, "Just a moment"),
    (200, JUST_A_MOMENT, {}, "Just a moment"),                                    # the title alone
    (403, ATTENTION, {}, "block page"),
    (429, b"<html><body><div id='cf-error-details'>x</div></body></html>", {}, "cf-error-details"),
    (403, b"<html><body>Incapsula incident ID: 1</body></html>", {}, "Incapsula"),
])
def test_challenge_pages_are_recognised(status: int, body: bytes, headers: dict, why: str) -> None:
    assert why in challenge_reason(status, headers, body)


@pytest.mark.parametrize(("status", "body"), [
    (403, b"<html><title>Forbidden</title><body>nginx</body></html>"),   # a plain refusal: an HTTP error
    (503, b"<html><body>Service Unavailable</body></html>"),             # retried as usual
    (200, b"<html><title>Berita</title><body>Verifying you are human adalah frasa.</body></html>"),
    (404, JUST_A_MOMENT.replace(b"<title>Just a moment...</title>", b"<title>404</title>")),
])
def test_other_answers_are_not_challenges(status: int, body: bytes) -> None:
    assert challenge_reason(status, {}, body) is None


def test_the_middleware_counts_per_host_warns_once_and_gives_the_request_up(caplog) -> None:  # noqa: ANN001
    stats = Stats()
    mw = ChallengeMiddleware(stats)
    ok = response(200, b"<html><title>Berita</title></html>")
    assert mw.process_response(ok.request, ok) is ok
    with caplog.at_level(logging.WARNING, logger="tempo_crawler.blocking"):
        for n in range(3):
            blocked = response(403, JUST_A_MOMENT, url=f"{ARTICLE}{n}", **{"cf-mitigated": "challenge"})
            with pytest.raises(ChallengeBlocked) as err:
                mw.process_response(blocked.request, blocked)
            assert err.value.response is blocked
        listing = HtmlResponse("https://rss.tempo.co/dunia", status=403, body=ATTENTION,
                               request=Request("https://rss.tempo.co/dunia", meta={KIND: "listing"}))
        with pytest.raises(ChallengeBlocked):
            mw.process_response(listing.request, listing)
    assert stats.get_value("tempo/blocked/www.tempo.co") == 3 and stats.get_value("tempo/blocked/rss.tempo.co") == 1
    assert stats.get_value("tempo/blocked") == 4 and stats.get_value("tempo/articles/blocked") == 3
    assert [r.getMessage().split(" answers")[0] for r in caplog.records] == ["blocked: www.tempo.co",
                                                                            "blocked: rss.tempo.co"]


def test_robots_txt_challenge_is_counted_and_passed_to_scrapy() -> None:
    stats = Stats()
    robots = HtmlResponse("https://www.tempo.co/robots.txt", status=403, body=JUST_A_MOMENT,
                          request=Request("https://www.tempo.co/robots.txt"))
    assert ChallengeMiddleware(stats).process_response(robots.request, robots) is robots
    assert stats.get_value("tempo/blocked") == 1 and not stats.get_value("tempo/articles/blocked")


@pytest.mark.parametrize(("stats", "blocked"), [
    ({}, False),
    ({"tempo/blocked": 3, "tempo/blocked/www.tempo.co": 3, "tempo/articles/blocked": 3, "tempo/articles/requested": 4,
      "tempo/responses_ok": 5}, True),                                   # most article requests
    ({"tempo/blocked": 2, "tempo/blocked/www.tempo.co": 2, "tempo/articles/blocked": 2, "tempo/articles/requested": 4,
      "tempo/responses_ok": 5}, False),                                  # half is not most (at share 0.5)
    ({"tempo/blocked": 2, "tempo/blocked/rss.tempo.co": 2}, True),       # nothing but challenges, no article asked
    ({"tempo/blocked": 1, "tempo/blocked/rss.tempo.co": 1, "tempo/responses_ok": 9, "tempo/articles/requested": 9},
     False),                                                             # one feed blocked, the rest fine
])
def test_verdict(stats: dict, blocked: bool) -> None:
    why = verdict(stats, 0.5)
    assert (why is not None) is blocked
    if why:
        assert "tempo.co: " in why and "HTTPS_PROXY" in why
