"""The item's plain-dict form: what ``dataclasses.asdict`` gives, built without its deepcopy (issue 14)."""

from __future__ import annotations

import dataclasses

from tempo_crawler.items import Article, Link, RelatedArticle, article_from_dict, article_to_dict
from tests.support.golden import goldens, parse_golden


def test_article_to_dict_equals_asdict_on_every_golden_item() -> None:
    items = [parse_golden(g) for g in goldens()]
    assert any(a.related for a in items) and any(a.editors_pick for a in items)
    for a in items:
        got = article_to_dict(a)
        assert got == dataclasses.asdict(a)
        assert list(got) == list(dataclasses.asdict(a))   # field order, the export order
        assert article_from_dict(got) == a


def test_article_to_dict_copies_what_it_returns() -> None:
    a = Article(id="1", body=["p"], tags=["t"], editors_pick=Link("x", "u"),
                related=[RelatedArticle("r", summary="s")], read_also=[Link("y")])
    d = article_to_dict(a)
    d["body"].append("q")
    d["related"][0]["title"] = "changed"
    d["editors_pick"]["title"] = "changed"
    assert a.body == ["p"] and a.related[0].title == "r" and a.editors_pick.title == "x"
    assert d["related"][0] == {"title": "changed", "url": None, "relative_time": None, "published_at": None,
                               "image_caption": None, "summary": "s"}
