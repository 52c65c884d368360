"""One Indonesian word per English word across every catalogue (docs/glossary.md).

Flask-Babel merges the core's and the plugins' catalogues into one: a text translated two
ways shows whichever catalogue was merged last, so the same button reads differently from
one release to the next.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]


def catalogues(root: Path) -> list[Path]:
    return sorted(root.glob("hub/**/translations/id/LC_MESSAGES/*.po")) + sorted(
        root.glob("plugins/*/translations/id/LC_MESSAGES/*.po")
    )


def translations(root: Path = ROOT) -> dict[str, dict[str, list[str]]]:
    """English text -> Indonesian translation -> the catalogues that say so."""
    found: dict[str, dict[str, list[str]]] = {}
    for po in catalogues(root):
        with po.open("rb") as fh:
            for message in read_po(fh):
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                msgstr = message.string if isinstance(message.string, str) else message.string[0]
                if msgid and msgstr:
                    found.setdefault(msgid, {}).setdefault(msgstr, []).append(str(po.relative_to(root)))
    return found


def glossary() -> dict[str, str]:
    text = (ROOT / "docs" / "glossary.md").read_text()
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", text, re.M)
    return {en: id_ for en, id_ in rows if en not in ("English", "---")}


def test_no_text_is_translated_two_ways():
    conflicts = {msgid: ways for msgid, ways in translations().items() if len(ways) > 1}
    assert not conflicts, f"translated differently in different catalogues (see docs/glossary.md): {conflicts}"


def test_the_catalogues_use_the_glossarys_words():
    words = glossary()
    assert len(words) >= 10 and words["Due"] == "Batas waktu"
    found = translations()
    wrong = {en: sorted(found[en]) for en, id_ in words.items() if en in found and set(found[en]) != {id_}}
    assert not wrong, f"not the glossary's word: {wrong}"


def test_the_check_finds_a_conflict(tmp_path):
    """The check itself: two catalogues that disagree are found."""
    for name, word in (("a", "Tenggat"), ("b", "Batas waktu")):
        folder = tmp_path / "hub" / name / "translations" / "id" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(f'msgid ""\nmsgstr ""\n\nmsgid "Due"\nmsgstr "{word}"\n')
    assert translations(tmp_path)["Due"].keys() == {"Tenggat", "Batas waktu"}
