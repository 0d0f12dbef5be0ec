"""Chrome glued to real text on one line (lexicon ``prefixes`` / ``suffixes``): only the chrome is cut, real
sentences are untouched (issue 11 #8)."""

from __future__ import annotations

import pytest

from tempo_crawler.text.chrome import strip_chrome
from tests.support.leaks import forbidden_in

STORY = "TEMPO.CO, Jakarta - Sekretaris Jenderal NATO Jens Stoltenberg mengatakan aliansi siap membantu."


@pytest.mark.parametrize(("line", "kept"), [
    (f"Scroll Untuk Melanjutkan {STORY}", STORY),
    (f"SCROLL UNTUK MELANJUTKAN - {STORY}", STORY),
    (f"{STORY} Baca berita dengan sedikit iklan, klik di sini", STORY),
    (f"{STORY} Baca berita dengan sedikit iklan, klik disini.", STORY),
    (f"slot-iklan-300x100 {STORY} slot-iklan-728x90", STORY),
    (f"image-gnews {STORY}", STORY),
    (f"{STORY} Kami telah mengirimkan link aktivasi melalui email ke pembaca.", STORY),
    (f"Lupa Kata Sandi? Klik di Sini {STORY} Kirimkan Lagi Sekarang", STORY),
    (f"Scroll Untuk Melanjutkan image-gnews {STORY}", STORY),       # two glued labels
    ("Scroll Untuk Melanjutkan Iklan", None),                       # chrome + chrome: nothing left
])
def test_glued_chrome_is_cut(line: str, kept: str | None) -> None:
    assert forbidden_in(line) or "Melanjutkan" in line
    assert strip_chrome(line) == kept
    assert kept is None or forbidden_in(kept) == []


@pytest.mark.parametrize("line", [
    "Iklan rokok dilarang di Singapura sejak 1971.",
    "Scroll untuk melanjutkannya, kata pengembang aplikasi itu.",   # not the label: a word runs on
    "Advertising agencies in Jakarta said revenue fell.",            # short labels are whole-line only
    "Bagikan bantuan kepada korban gempa, kata Presiden.",
    "Presiden berkata pengguna yang lupa kata sandi harus mengganti akunnya.",
    "Video Pilihan warga menunjukkan banjir setinggi satu meter.",
    STORY,
])
def test_real_sentences_are_untouched(line: str) -> None:
    assert strip_chrome(line) == line
