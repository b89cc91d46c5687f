"""The fixed vocabularies of projects: sectors, stages, countries and currencies.

Sector and stage keys are stored on ``Project``; their labels are English msgids translated
where shown. Countries are ISO 3166-1 alpha-2 codes, named in the reader's language from the
CLDR data that Babel ships (no hand-kept list of 249 names).
"""

from __future__ import annotations

from functools import cache

from babel import Locale

from app.i18n import N_, _, current_locale

SECTORS: dict[str, str] = {
    "biotech": N_("Biotechnology and pharmaceuticals"),
    "medtech": N_("Medical devices and health"),
    "ai": N_("Artificial intelligence"),
    "semiconductors": N_("Semiconductors and integrated circuits"),
    "new_energy": N_("New energy"),
    "advanced_materials": N_("Advanced materials"),
    "advanced_manufacturing": N_("Advanced manufacturing"),
    "digital_economy": N_("Digital economy"),
    "agritech": N_("Agriculture and food technology"),
    "environment": N_("Environment and climate"),
    "consumer": N_("Consumer goods and services"),
    "other": N_("Other"),
}

STAGES: dict[str, str] = {
    "idea": N_("Idea"),
    "prototype": N_("Prototype"),
    "seed": N_("Seed"),
    "series_a": N_("Series A"),
    "series_b_plus": N_("Series B and later"),
    "growth": N_("Growth"),
}

CURRENCIES: dict[str, str] = {
    "CNY": N_("Chinese yuan (CNY)"),
    "USD": N_("US dollar (USD)"),
    "EUR": N_("Euro (EUR)"),
    "HKD": N_("Hong Kong dollar (HKD)"),
    "SGD": N_("Singapore dollar (SGD)"),
    "GBP": N_("Pound sterling (GBP)"),
    "JPY": N_("Japanese yen (JPY)"),
}

# CLDR territories that are not ISO 3166-1 countries: exceptionally reserved codes, unions,
# "unknown region" and pseudo-locales.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
_CLDR_LOCALES = {"en": "en", "zh": "zh_Hans"}
# Offered first in the country choice: where most projects on the platform come from.
COMMON_COUNTRIES: tuple[str, ...] = ("CN", "HK", "MO", "TW", "SG", "US", "GB", "DE", "JP", "KR")


@cache
def _territories(locale: str) -> dict[str, str]:
    names = Locale.parse(_CLDR_LOCALES.get(locale, "en")).territories
    return {
        code: str(name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


COUNTRY_CODES: frozenset[str] = frozenset(_territories("en"))


def is_country(code: str) -> bool:
    """Is ``code`` an ISO 3166-1 alpha-2 code (upper case)?"""
    return code in COUNTRY_CODES


def country_name(code: str) -> str:
    """The country's name in the current language (the code itself when unknown)."""
    return _territories(current_locale.get()).get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """``(code, name)`` for a select: the common ones first, then every other by name."""
    names = _territories(current_locale.get())
    common = [(code, names[code]) for code in COMMON_COUNTRIES]
    rest = sorted(
        ((code, name) for code, name in names.items() if code not in COMMON_COUNTRIES),
        key=lambda pair: pair[1],
    )
    return common + rest


def sector_label(key: str) -> str:
    return _(SECTORS[key]) if key in SECTORS else key


def stage_label(key: str) -> str:
    return _(STAGES[key]) if key in STAGES else key


def currency_label(code: str) -> str:
    return _(CURRENCIES[code]) if code in CURRENCIES else code


def choices(vocabulary: dict[str, str]) -> list[tuple[str, str]]:
    """``(key, translated label)`` pairs of a vocabulary, in its own order."""
    return [(key, _(label)) for key, label in vocabulary.items()]
