"""Spider arguments are declared once (tempo_crawler/arguments.py) and read into typed values or refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tempo_crawler.arguments import ARGUMENTS, ArgumentError, parse_arguments


def test_every_argument_is_read_into_its_type(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("# a comment\nhttps://dunia.tempo.co/read/1/a\n\n  https://www.tempo.co/x/y-2  \n", "utf-8")
    got = parse_arguments({"since": "2025-01-01", "until": "2025-01-31", "max_items": "5",
                           "start_urls": "https://a.example/1, https://a.example/2,", "urls_file": str(urls),
                           "render": "Never", "full": "yes", "reset": "0"})
    assert got == {"since": date(2025, 1, 1), "until": date(2025, 1, 31), "max_items": 5,
                   "start_urls": ["https://a.example/1", "https://a.example/2"],
                   "urls_file": ["https://dunia.tempo.co/read/1/a", "https://www.tempo.co/x/y-2"],
                   "render": "never", "full": True, "reset": False}


@pytest.mark.parametrize(("raw", "message"), [
    ({"since": "garbage"}, "-a since='garbage': expected YYYY-MM-DD"),
    ({"max_items": "abc"}, "-a max_items='abc': expected a whole number"),
    ({"max_items": "-5"}, "-a max_items='-5': expected a whole number of at least 1"),
    ({"urls_file": "/nonexistent/urls.txt"}, "-a urls_file='/nonexistent/urls.txt': no such file"),
    ({"render": "sometimes"}, "-a render='sometimes': expected one of auto, always, never"),
    ({"full": "maybe"}, "-a full='maybe': expected 1/0"),
    ({"sinse": "2025-01-01"}, "-a sinse='2025-01-01': unknown argument; did you mean -a since=…?"),
    ({"since": "2025-02-01", "until": "2025-01-01"}, "-a since=2025-02-01 is after -a until=2025-01-01"),
])
def test_bad_arguments_are_refused_with_one_line_naming_them(raw: dict, message: str) -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_arguments(raw)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_every_argument_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    for argument in ARGUMENTS:
        assert f"`{argument.name}=" in readme, argument.name
