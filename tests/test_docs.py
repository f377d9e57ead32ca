"""The repository stands on its own: citations of docs/domain.md resolve, nothing points outside."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "docs" / "domain.md"
CITED_IN = ("selfscore", "scoring_specs", "cases", "tests")
SUFFIXES = {".py", ".toml", ".md", ".txt"}
CITATION = re.compile(r"docs/domain\.md((?:\s*(?:,|and)?\s*§\d+)+)")


def _files() -> list[Path]:
    return sorted(p for d in CITED_IN for p in (ROOT / d).rglob("*") if p.suffix in SUFFIXES and p.is_file())


def _sections() -> set[str]:
    return set(re.findall(r"^## (§\d+) ", DOMAIN.read_text(encoding="utf-8"), flags=re.M))


def test_domain_sections_are_numbered_in_order() -> None:
    found = re.findall(r"^## §(\d+) ", DOMAIN.read_text(encoding="utf-8"), flags=re.M)
    assert [int(n) for n in found] == list(range(1, len(found) + 1))
    assert len(found) >= 13


def test_domain_notes_refer_to_their_own_sections_only() -> None:
    text = DOMAIN.read_text(encoding="utf-8")
    assert set(re.findall(r"§\d+", text)) <= _sections()


def test_citations_of_domain_notes_resolve() -> None:
    sections = _sections()
    bad = []
    for path in _files():
        cited = {s for m in CITATION.finditer(path.read_text(encoding="utf-8")) for s in re.findall(r"§\d+", m[1])}
        bad += [f"{path.relative_to(ROOT)}: {s}" for s in sorted(cited - sections)]
    assert bad == []


def test_nothing_refers_outside_the_repository() -> None:
    outside = ("../" + "shared", "DOMAIN" + ".md", "shared/" + "seeds")
    me = Path(__file__).resolve()
    bad = [f"{p.relative_to(ROOT)}: {word}" for p in _files() if p != me
           for word in outside if word in p.read_text(encoding="utf-8")]
    assert bad == []


def test_citations_exist_in_specs_cases_and_code() -> None:
    # the check above must see real citations, or it proves nothing
    cited = [p.relative_to(ROOT).parts[0] for p in _files() if CITATION.search(p.read_text(encoding="utf-8"))]
    assert {"selfscore", "scoring_specs", "cases", "tests"} <= set(cited)


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt")), ids=lambda p: p.name)
def test_document_excerpts_name_their_source(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Source: ") and re.search(r"20\d\d", first), first
