"""Requests built from a response forward only the project's own meta (Scrapy's MetaCopyDetectionMiddleware
warns about download-internal keys copied from response.meta)."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.spidermiddlewares.metacopy import MetaCopyDetectionMiddleware

from tempo_crawler.render.fallback import FORWARDED_META, KIND, RENDERED, forwarded_meta, rendered_request

PROJECT = {"tempo_source": "rss", "tempo_key": "b:1", KIND: "article"}
DOWNLOAD = {key: 1 for key in MetaCopyDetectionMiddleware._INTERNAL_KEYS} | {
    "download_slot": "h", "playwright_page": object(), "proxy": "http://p:3128", "tempo_render_timeout": True}


def test_next_page_keeps_only_the_project_keys() -> None:
    meta = forwarded_meta({**PROJECT, **DOWNLOAD, "_depth": 1})
    assert meta == PROJECT and set(FORWARDED_META) == set(PROJECT)


def test_rendered_twin_forwards_no_download_key() -> None:
    request = Request("http://h/read/1/x", meta={**PROJECT, **DOWNLOAD, "_depth": 1, "_callback": None},
                      cb_kwargs={"partial": None})
    response = HtmlResponse("http://h/read/1/x", body=b"<html></html>", request=request)
    twin = rendered_request(response, Settings({"TEMPO_RENDER_WAIT_TIMEOUT": 1}))
    internal = MetaCopyDetectionMiddleware._INTERNAL_KEYS | {"download_slot", "playwright_page", "proxy",
                                                             "tempo_render_timeout"}
    assert not internal & set(twin.meta)
    assert {k: twin.meta[k] for k in PROJECT} == PROJECT and twin.meta[RENDERED] is True
    assert twin.meta["_depth"] == 1 and twin.cb_kwargs == {"partial": None}   # scrapy parse still follows it
