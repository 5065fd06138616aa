"""One translation function for all user-facing text, and locale-aware formats.

Messages live in gettext catalogues managed with Babel (tnt_dash/locale/<lang>/LC_MESSAGES/
messages.po). The compiled .mo files are built from the .po files on first use when
missing or older than their source, so a fresh checkout works without a build step
(`make locales` does the same explicitly).
"""
from __future__ import annotations

import os
import threading
from datetime import date as calendar_date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_percent
from babel.support import NullTranslations, Translations

from .config import LOCALE_DIR

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
_compile_lock = threading.Lock()


def valid_language(value: str | None) -> str | None:
    """A supported language code, or None for anything else (e.g. a hand-edited URL)."""
    value = (value or "").strip().lower()
    return value if value in LANGUAGES else None


def negotiate(browser_locale: str | None) -> str:
    """Map a browser locale such as 'fr-CD' to a supported language."""
    if not browser_locale:
        return DEFAULT_LANGUAGE
    lang = browser_locale.replace("_", "-").split("-")[0].lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def compile_catalogues() -> list[str]:
    """(Re)compile any .po whose .mo is missing or stale; returns the languages compiled."""
    compiled = []
    with _compile_lock:
        for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as f:
                catalog = read_po(f)
            # A name of this process's own: two processes (pytest's workers, two servers) that find
            # the same stale catalogue each write theirs and rename it; either result is the same.
            tmp = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
            with tmp.open("wb") as f:
                write_mo(f, catalog)
            tmp.replace(mo_path)
            compiled.append(po_path.parent.parent.name)
    return compiled


def _as_decimal(value) -> Decimal:
    # Through str, as Babel does: 0.125 stays 0.125, not its binary neighbour.
    return value if isinstance(value, Decimal) else Decimal(str(value))


class I18n:
    """Translation and formatting for one language. Use `_ = t.gettext` in pages."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self.locale = Locale.parse({"en": "en_GB", "fr": "fr_FR"}[lang])
        # Pages format thousands of numbers per run and Babel parses its pattern on every call;
        # the same result comes from Python's Decimal formatting with this locale's symbols
        # (checked against Babel in tests/test_i18n.py).
        symbols = self.locale.number_symbols.get("latn", self.locale.number_symbols)
        self._symbols = str.maketrans({",": symbols["group"], ".": symbols["decimal"], "-": symbols["minusSign"]})
        self._percent_template = format_percent(0.5, locale=self.locale).replace("50", "{}", 1)
        if lang == "en":
            self._translations = NullTranslations()   # English is the source language
        else:
            compile_catalogues()
            self._translations = Translations.load(str(LOCALE_DIR), [lang], domain="messages")

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    # Formats -----------------------------------------------------------------
    def number(self, value, digits: int = 0) -> str:
        if value is None:
            return "–"
        if isinstance(value, str):      # already suppressed, e.g. "<5"
            return value
        if digits == 0 and type(value) is int:      # most counts: no Decimal needed
            return format(value, ",").translate(self._symbols)
        return self._decimal(_as_decimal(value), digits)

    def _decimal(self, value: Decimal, digits: int) -> str:
        # Decimal's format rounds half to even, as Babel does.
        return format(value, f",.{digits}f").translate(self._symbols)

    def compact(self, value) -> str:
        if value is None:
            return "–"
        return format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def percent(self, fraction, digits: int = 0, signed: bool = False) -> str:
        if fraction is None:
            return "–"
        # The locale's own template keeps French spacing ("12,5 %"); only the decimals change.
        # Rounded first (half to even, as the format does): a change that rounds to nothing reads
        # "0 %", not "-0 %" or "+0 %" on the projector.
        value = _as_decimal(fraction)
        if value.is_nan():
            return "–"     # no share to show (0 ÷ 0), as for None
        shown = round(value * 100, digits)
        if shown == 0:
            shown = abs(shown)
        text = self._percent_template.format(self._decimal(shown, digits))
        if signed and shown > 0:
            text = "+" + text
        return text

    def percent_printf(self, digits: int = 0, signed: bool = False) -> str:
        """The locale's percent pattern as a printf format for a value already multiplied by 100,
        for st.column_config ("%+.0f%%" in English, "%+.0f\u00a0%%" in French): the grid then
        keeps the number, and sorts by it."""
        return self._percent_template.replace("%", "%%").format(("%+" if signed else "%") + f".{digits}f")

    def money(self, usd) -> str:
        if usd is None:
            return "–"
        return self.compact(usd) + " USD"

    @property
    def plotly_separators(self) -> str:
        """Plotly's decimal and thousands characters for this locale ("1 234,5" in French)."""
        return ".," if self.lang == "en" else ", "

    def date(self, value: calendar_date | datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return "–"
        return format_date(value, format=fmt, locale=self.locale)

    @staticmethod
    def iso_week(day: calendar_date) -> str:
        """'2026-W47': the ISO week code, the same in every language."""
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"

    def week(self, monday: calendar_date) -> str:
        """'2026-W47 (16–22 Nov 2026)' style label for an ISO week starting on `monday`."""
        iso = monday.isocalendar()
        from datetime import timedelta
        sunday = monday + timedelta(days=6)
        return f"{iso[0]}-W{iso[1]:02d} ({self.date(monday, 'd MMM')} – {self.date(sunday, 'd MMM y')})"

    def label(self, row, base: str) -> str:
        """Pick the language column of a reference row: label(row, 'name') -> row['name_fr']."""
        return row[f"{base}_{self.lang}"]


@lru_cache(maxsize=None)
def get(lang: str = DEFAULT_LANGUAGE) -> I18n:
    return I18n(lang)


def N_(message: str) -> str:
    """Mark a string for extraction where it is translated later (e.g. in a constant table)."""
    return message
