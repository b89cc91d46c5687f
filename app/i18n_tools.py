"""Translation upkeep: extract every msgid with Babel (``babel.cfg``) and compare with the
Chinese catalogues in ``frontend/i18n/zh_Hans/*.po``. Used by ``luyan i18n`` and the tests."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from app.i18n import CATALOGUE_DIR, read_catalogues

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
# Babel's default keywords already cover _, gettext, ngettext and N_.
_PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdif]")

Messages = dict[str, list[str]]  # msgid -> ["path:line", ...]


def extract_messages(root: Path = ROOT) -> Messages:
    """Every msgid in the code and templates that ``babel.cfg`` maps, with where it occurs."""
    with BABEL_CFG.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(BABEL_CFG))
    messages: Messages = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            messages.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return messages


def translations(locale_dir: Path = CATALOGUE_DIR / "zh_Hans") -> dict[str, str]:
    """All catalogues of a locale merged: msgid -> translation (fuzzy and empty ones left out)."""
    return {
        msgid: string[0] if isinstance(string, tuple) else string
        for msgid, string in read_catalogues(locale_dir).items()
    }


def untranslated(messages: Messages, locale_dir: Path = CATALOGUE_DIR / "zh_Hans") -> Messages:
    known = translations(locale_dir)
    return {msgid: where for msgid, where in sorted(messages.items()) if msgid not in known}


def placeholder_mismatches(locale_dir: Path = CATALOGUE_DIR / "zh_Hans") -> dict[str, str]:
    """Translations whose ``%(name)s`` placeholders differ from their msgid's (would crash ``%``)."""
    return {
        msgid: string
        for msgid, string in translations(locale_dir).items()
        if sorted(_PLACEHOLDER.findall(msgid)) != sorted(_PLACEHOLDER.findall(string))
    }


def conflicting_translations(
    locale_dir: Path = CATALOGUE_DIR / "zh_Hans",
) -> dict[str, list[tuple[str, str]]]:
    """Msgids translated differently in two catalogue files: msgid -> [(file, translation)].

    The loader merges the files, so the last file would silently win; one msgid, one meaning.
    """
    from babel.messages.pofile import read_po

    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(locale_dir.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="zh_Hans_CN"):
                if message.id and message.string and not message.fuzzy:
                    key = message.id[0] if isinstance(message.id, tuple) else message.id
                    found.setdefault(key, []).append((path.name, str(message.string)))
    return {key: seen for key, seen in found.items() if len({text for _name, text in seen}) > 1}
