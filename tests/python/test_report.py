"""The HTML report: well-formed, self-contained, every section present, figures decodable."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest

from socialcrm import analyze
from socialcrm.datasets import synthetic_community
from socialcrm.report import SECTIONS

VOID = {"meta", "img", "br", "hr", "link", "input"}


class _Checker(HTMLParser):
    """Tracks open tags (every non-void tag must close, in order), section ids and images."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.sections: list[str] = []
        self.images: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id", ""))
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


def _check(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(text)
    assert checker.errors == [] and checker.stack == []
    assert not re.search(r"(src|href)=\"(https?:|file:|/)", text), "must be self-contained"
    for src in checker.images:
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    return text, checker


@pytest.fixture(scope="module")
def data():
    return synthetic_community(400, seed=2)


def test_full_report_has_every_section_with_content(data, tmp_path):
    tables = {k: v for k, v in data.tables().items() if k != "staff"}
    card = analyze(**tables, staff=data.staff, progress=False)
    text, checker = _check(card.report(tmp_path / "report.html"))
    assert checker.sections == list(SECTIONS)
    assert len(checker.images) >= 2
    top = card.customers[~card.customers["is_staff"]]["pagerank"].idxmax()
    assert f">{top}<" in text  # the top influencer is listed
    assert not list(tmp_path.glob(".*"))


def test_report_with_few_inputs_says_what_is_missing(data, tmp_path):
    card = analyze(transactions=data.transactions, progress=False)
    text, checker = _check(card.report(tmp_path / "r.html"))
    assert checker.sections == list(SECTIONS)
    assert text.count("Not available:") >= 4
    assert "no interactions and no posts" in text


def test_report_from_saved_results(data, tmp_path):
    card = analyze(interactions=data.interactions, progress=False)
    card.to_parquet(tmp_path / "out")
    from socialcrm.cli import main

    assert main(["report", str(tmp_path / "out")]) == 0
    _check(tmp_path / "out" / "report.html")
