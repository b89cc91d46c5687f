"""Every msgid in the code and templates has a Chinese translation (all zh_Hans/*.po merged)."""

from __future__ import annotations

from app.i18n_tools import conflicting_translations, extract_messages, placeholder_mismatches, untranslated


def test_every_msgid_has_a_chinese_translation() -> None:
    messages = extract_messages()
    assert len(messages) > 50, "extraction found too little: is babel.cfg right?"
    missing = untranslated(messages)
    report = "\n".join(f"  {msgid!r}  ({where[0]})" for msgid, where in missing.items())
    assert not missing, (
        f"{len(missing)} msgids without a Chinese translation in frontend/i18n/zh_Hans/:\n{report}"
    )


def test_translations_keep_their_placeholders() -> None:
    broken = placeholder_mismatches()
    assert not broken, f"placeholders differ between msgid and translation: {broken}"


def test_templates_and_code_are_both_extracted() -> None:
    where = {location.split(":")[0] for locations in extract_messages().values() for location in locations}
    assert "frontend/templates/base.html" in where
    assert "frontend/templates/mail/welcome.txt" in where
    assert "app/errors.py" in where


def test_each_msgid_has_one_translation_across_catalogue_files() -> None:
    conflicts = conflicting_translations()
    assert not conflicts, f"msgids translated differently in two .po files: {conflicts}"
