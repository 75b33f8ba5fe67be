"""Language that reads as native (issue 11, point 7): one wording per concept, in every catalogue.

docs/glossary.csv holds the domain's terms, one row per concept: the English term as msgids use it,
the one Kazakh and Russian wording, and the word stems that recognise that wording in its inflected
forms (Kazakh and Russian decline: «мектеп» → «мектебінде», «занятие» → «занятий»). Every kk and
ru catalogue under shamy/ is checked against it (a partial language's, such as ky, once the glossary
has its columns): an entry whose msgid uses the English term must use
the glossary's wording in its msgstr (each plural form). Columns:

* ``en``: the English term; it matches the word and its plural (``school`` → ``schools``), or any
  continuation with a trailing ``*`` (``endorse*`` → ``endorsed``, ``endorsement``).
* ``kk_stems`` / ``ru_stems``: space-separated stems that must each begin a word of the msgstr;
  ``|`` separates accepted alternatives (consonant changes: ``мектеп|мектеб``).
* ``apps``: limits a row to some catalogues (``|``-separated), empty for all.
* ``except``: English phrases that do not count as the term (``school year`` is not a school).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GLOSSARY = ROOT / "docs" / "glossary.csv"
CATALOGUES = sorted((ROOT / "shamy").glob("*/locale/*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)(?:\.\d+)?[sdif]|\{\w+\}")
WORD = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class Term:
    concept: str
    en: str
    wording: dict[str, str]
    stems: dict[str, list[list[str]]]
    apps: frozenset[str]
    exceptions: tuple[str, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        tail = r"\w*" if self.en.endswith("*") else r"(?:s|es|'s)?(?![\w-])"
        return re.compile(r"(?<![\w-])" + re.escape(self.en.rstrip("*")) + tail, re.IGNORECASE)

    def used_in(self, msgid: str) -> bool:
        text = PLACEHOLDER.sub(" ", msgid)
        for phrase in self.exceptions:
            text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
        return bool(self.pattern.search(text))

    def worded_in(self, language: str, msgstr: str) -> bool:
        words: set[str] = set()
        for word in WORD.findall(msgstr.lower()):
            words.add(word)
            words.update(part for part in word.split("-") if part)
        return any(
            all(any(word.startswith(stem) for word in words) for stem in alternative)
            for alternative in self.stems[language]
        )


def load_glossary(path: Path = GLOSSARY) -> list[Term]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Term(
            concept=row["concept"],
            en=row["en"],
            wording={"kk": row["kk"], "ru": row["ru"]},
            stems={
                language: [alternative.lower().split() for alternative in row[f"{language}_stems"].split("|")]
                for language in ("kk", "ru")
            },
            apps=frozenset(filter(None, row["apps"].split("|"))),
            exceptions=tuple(filter(None, row["except"].split("|"))),
        )
        for row in rows
    ]


def glossary_violations(terms: list[Term], catalogue: Path) -> list[str]:
    language = catalogue.parts[-3]
    app = catalogue.parts[-5]
    found: list[str] = []
    if any(language not in term.stems for term in terms):
        # A partial language (ky: settings.PARTIAL_LANGUAGES) has no glossary columns yet: its
        # wording is checked when the glossary gains its column (README.md, "Languages").
        return found
    for entry in polib.pofile(str(catalogue)):
        if entry.obsolete:
            continue
        msgid = entry.msgid + " " + (entry.msgid_plural or "")
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for term in terms:
            if term.apps and app not in term.apps or not term.used_in(msgid):
                continue
            for form in forms:
                if form and not term.worded_in(language, form):
                    found.append(f"{app}/{language}: {entry.msgid!r} → {form!r} (use {term.wording[language]})")
                    break
    return found


def test_the_glossary_has_one_wording_per_concept():
    terms = load_glossary()
    assert len(terms) >= 20
    concepts = [term.concept for term in terms]
    assert len(concepts) == len(set(concepts)), "a concept is listed twice"
    english = [term.en.lower() for term in terms]
    assert len(english) == len(set(english)), "an English term names two concepts"
    for term in terms:
        for language in ("kk", "ru"):
            assert term.wording[language] and "|" not in term.wording[language], term.concept
            # The wording itself passes its own stems (the stems describe the wording, not another).
            assert term.worded_in(language, term.wording[language]), f"{term.concept} [{language}]"
    for concept in ("session", "gathering", "facilitator", "portfolio", "evidence", "cohort", "school", "teacher"):
        assert concept in concepts


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: f"{path.parts[-5]}-{path.parts[-3]}")
def test_every_catalogue_uses_the_glossary(catalogue: Path):
    violations = glossary_violations(load_glossary(), catalogue)
    assert not violations, "\n".join(violations)


def test_the_check_catches_a_second_wording(tmp_path):
    """The test above would fail on the catalogues before issue 11: two names for the Future School."""
    app = tmp_path / "registry" / "locale" / "kk" / "LC_MESSAGES"
    app.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgid="Future School", msgstr="Келешек мектебі"))
    catalogue.append(polib.POEntry(msgid="Future School status", msgstr="«Жайлы мектеп» мәртебесі"))
    catalogue.append(polib.POEntry(msgid="Schools of the school year", msgstr="Мектебіміздің жылы"))
    catalogue.append(polib.POEntry(msgid="%(school)s joined", msgstr="%(school)s қосылды"))
    catalogue.save(str(app / "django.po"))
    violations = glossary_violations(load_glossary(), app / "django.po")
    assert violations == ["registry/kk: 'Future School' → 'Келешек мектебі' (use «Жайлы мектеп»)"]


@pytest.mark.parametrize(
    ("app", "language", "msgid", "wrong"),
    [
        ("attendance", "kk", "%(attended)s of %(expected)s", "адамның"),
        ("portfolios", "kk", "No activity for at least (weeks)", "Белсенділік жоқ кемінде"),
        ("analytics", "kk", "Where to expand next", "Келесі қадам"),
        ("portfolios", "ru", "With the school facilitator", "С школьным"),
        ("attendance", "ru", "My sessions", "сесси"),
        ("attendance", "ru", "In-school session", "Школьная"),
        ("portfolios", "ru", "Reflecting on the impact", "Рефлексия о влиянии"),
        ("portfolios", "ru", "Leading the change: what was done and the evidence", "Руководство"),
    ],
)
def test_the_defects_found_in_issue_11_are_gone(app, language, msgid, wrong):
    entries = [
        entry
        for entry in polib.pofile(str(ROOT / "shamy" / app / "locale" / language / "LC_MESSAGES" / "django.po"))
        if entry.msgid == msgid and not entry.obsolete
    ]
    assert len(entries) == 1 and entries[0].msgstr
    assert wrong not in entries[0].msgstr
