"""WARC records for a fetched page (``response`` + its ``request``), for a quarantine mark (``metadata``) and
for the head of a file (``warcinfo``), built with warcio (which computes the block and payload digests)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester

from tempo_crawler.archive import FINAL_URI, KIND, QUARANTINE, RENDERED, RUN, SOURCE
from tempo_crawler.archive.writer import record_factory

# Hop-by-hop framing the HTTP client already removed from the body: kept, they would misdescribe the payload.
_FRAMING = {"transfer-encoding"}
# A rendered page's body is the browser's DOM as UTF-8 text: the server's encoding and length no longer apply.
_RENDERED_DROP = {"transfer-encoding", "content-encoding", "content-length"}

_FACTORY = record_factory()


def warc_date(when: datetime) -> str:
    """WARC 1.1 date, UTC with microseconds (``2026-05-01T10:00:00.123456Z``)."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _headers(scrapy_headers: Any, drop: set[str]) -> list[tuple[str, str]]:
    out = []
    for name, values in scrapy_headers.items():
        key = name.decode("latin-1")
        if key.lower() in drop:
            continue
        out.extend((key, v.decode("latin-1")) for v in values)
    return out


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass(frozen=True)
class Original:
    """A ``response`` record already in the file: what a ``revisit`` of the same payload refers to."""

    record_id: str
    uri: str
    date: str


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of a body (``sha1:<base32>``, as warcio writes it)."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


def response_pair(request: Any, response: Any, when: datetime, *, kind: str | None, source: str | None,
                  rendered: bool, run: str | None, original: Original | None = None) -> list[Any]:
    """The ``response`` record (payload: the body as received) and the ``request`` record that asked for it.
    With ``original`` (a record of this file with the same URL, status and payload): a ``revisit`` record
    (profile identical-payload-digest, the HTTP headers of this response, no payload) in place of the response."""
    date = warc_date(when)
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    status = f"{response.status} {_reason(response.status)}".strip()
    http = StatusAndHeaders(status, _headers(response.headers, _RENDERED_DROP if rendered else _FRAMING),
                            protocol=protocol)
    fields = {"WARC-Date": date}
    if kind:
        fields[KIND] = kind
    if source:
        fields[SOURCE] = source
    if rendered:
        fields[RENDERED] = "true"
        if response.url != request.url:
            fields[FINAL_URI] = response.url
    if run:
        fields[RUN] = run
    ip = getattr(response, "ip_address", None)
    if ip is not None:
        fields["WARC-IP-Address"] = str(ip)
    if original is None:
        resp = _FACTORY.create_warc_record(request.url, "response", payload=io.BytesIO(response.body),
                                           length=len(response.body), http_headers=http, warc_headers_dict=fields)
    else:
        fields["WARC-Refers-To"] = original.record_id
        resp = _FACTORY.create_revisit_record(request.url, payload_digest(response.body), original.uri,
                                              original.date, http_headers=http, warc_headers_dict=fields)
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    req_headers = _headers(request.headers, set())
    if not any(k.lower() == "host" for k, _ in req_headers):
        req_headers.insert(0, ("Host", parts.netloc))
    req_http = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", req_headers, is_http_request=True)
    body = request.body or b""
    req = _FACTORY.create_warc_record(
        request.url, "request", payload=io.BytesIO(body), length=len(body), http_headers=req_http,
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID")})
    return [resp, req]


def quarantine_mark(url: str, record_id: str, reason: str, when: datetime) -> Any:
    """A ``metadata`` record saying the response ``record_id`` was quarantined, and why."""
    text = f"quarantined: {reason}\r\n".encode()
    return _FACTORY.create_warc_record(
        url, "metadata", payload=io.BytesIO(text), length=len(text), warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": warc_date(when), "WARC-Refers-To": record_id, QUARANTINE: reason})


def warcinfo(filename: str, software: str) -> Any:
    return _FACTORY.create_warcinfo_record(filename, {
        "software": software, "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "Tempo world news pages as fetched by tempo_crawler (docs/archive.md)"})
