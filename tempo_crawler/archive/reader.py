"""Read an archive file member by member: each gzip member is one WARC record. What cannot be read is reported
as a :class:`Problem` (file, offset, why) and skipped, never raised: a torn last record (a killed writer),
garbage in the middle (the reader resynchronises at the next gzip member), a record over the size limit.

``warcio``'s own iterator reads a truncated member as a short record without complaint, so the member
boundaries and their integrity (gzip CRC) are checked here with ``zlib``; warcio parses each record.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.recordloader import ArcWarcRecordLoader

from tempo_crawler.archive import CLOSED, OPEN

CHUNK = 1 << 20
MAX_RECORD_BYTES = 256 << 20       # a decompressed record larger than this is reported, not held in memory
_MAGIC = b"\x1f\x8b\x08"


@dataclass(frozen=True)
class Problem:
    """Bytes of an archive file that hold no readable record."""

    file: Path
    offset: int
    reason: str
    length: int            # bytes skipped
    tail: bool = False     # the unreadable bytes run to the end of the file (a torn last record)

    def __str__(self) -> str:
        return f"{self.file}: offset {self.offset}: {self.reason} ({self.length} bytes)"


@dataclass(frozen=True)
class Member:
    file: Path
    offset: int
    length: int            # compressed bytes in the file
    data: bytes            # the decompressed record


def archive_files(directory: Path) -> list[Path]:
    """Closed and still-open archive files, in name order (the name holds the day and a serial)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith((CLOSED, OPEN)) and p.is_file())


def _decompress(fh: Any, buf: bytes, limit: int) -> tuple[str, bytes, int, bytes]:
    """One gzip member from ``buf`` + ``fh``: (status, data, bytes used, rest of the input).
    status: ``ok``, ``eof`` (no member starts here), ``torn`` (the input ends inside the member),
    ``bad`` (not gzip or a CRC mismatch), ``large`` (over ``limit``)."""
    d = zlib.decompressobj(31)
    out: list[bytes] = []
    size = used = 0
    while True:
        if not buf:
            buf = fh.read(CHUNK)
            if not buf:
                return ("eof" if used == 0 else "torn"), b"", used, b""
        try:
            piece = d.decompress(buf, limit + 1 - size)
        except zlib.error:
            return "bad", b"", used, buf
        size += len(piece)
        out.append(piece)
        if d.eof:
            rest = d.unused_data
            return "ok", b"".join(out), used + len(buf) - len(rest), rest
        if size > limit:
            return "large", b"", used, buf
        tail = d.unconsumed_tail
        used += len(buf) - len(tail)
        buf = tail


def _resync(fh: Any, start: int) -> int | None:
    """Offset of the next gzip member header after ``start`` (None: none before the end of the file)."""
    fh.seek(start + 1)
    pos, carry = start + 1, b""
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(_MAGIC)
        if found >= 0:
            return pos - len(carry) + found
        carry = data[-(len(_MAGIC) - 1):]
        pos += len(chunk)


def members(path: Path, limit: int = MAX_RECORD_BYTES) -> Iterator[Member | Problem]:
    """Every complete gzip member of ``path`` in file order, and one :class:`Problem` per unreadable stretch."""
    with open(path, "rb") as fh:
        size = fh.seek(0, io.SEEK_END)
        fh.seek(0)
        offset, buf = 0, b""
        while True:
            status, data, used, buf = _decompress(fh, buf, limit)
            if status == "ok":
                yield Member(path, offset, used, data)
                offset += used
                continue
            if status == "eof":
                return
            if status == "torn":
                yield Problem(path, offset, "torn record: the file ends inside it", size - offset, tail=True)
                return
            reason = (f"record larger than {limit} bytes" if status == "large"
                      else "not a gzip member (damaged bytes)")
            # Damaged or oversized: skip to the next member header that decodes, report the whole stretch.
            start, probe = offset, offset
            while True:
                nxt = _resync(fh, probe)
                if nxt is None:
                    yield Problem(path, start, reason, size - start, tail=True)
                    return
                fh.seek(nxt)
                status, data, used, buf = _decompress(fh, b"", limit)
                if status == "ok":
                    yield Problem(path, start, reason, nxt - start)
                    yield Member(path, nxt, used, data)
                    offset = nxt + used
                    break
                probe = nxt


def parse(member: Member) -> Any:
    """The warcio record of a member (raises ``warcio.exceptions.ArchiveLoadFailed`` when it is none)."""
    return ArcWarcRecordLoader().parse_record_stream(io.BytesIO(member.data), ensure_http_headers=False)


def read_at(path: Path, offset: int, length: int) -> Any:
    """The record stored at ``offset`` (``length`` compressed bytes) of ``path`` (or of its closed name, when an
    ``.open`` file was closed since it was indexed)."""
    if not path.exists() and path.name.endswith(OPEN):
        path = path.with_name(path.name[: -len(OPEN)] + CLOSED)
    with open(path, "rb") as fh:
        fh.seek(offset)
        raw = fh.read(length)
    data = zlib.decompressobj(31).decompress(raw)
    return parse(Member(path, offset, length, data))
