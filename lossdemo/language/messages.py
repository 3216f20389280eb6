"""The message functions every layer uses, and the language they answer in.

The language is a context variable: each Streamlit script run (and each fragment run) sets it from
the session's `lang` before it builds anything, so sessions in different languages share one server
process without seeing each other's words. Outside a page it is English.

    _("Cost")                  the message in the current language
    N_("Cost")                 marks a constant for the catalogue; translate it where it is shown
    ngettext("{n} epoch", "{n} epochs", n)   singular or plural (Chinese has one form)
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = {"en": "English", "zh": "中文"}  # URL value -> the language's own name
HTML_LANG = {"en": "en", "zh": "zh-CN"}  # URL value -> the page's <html lang> (simplified Chinese)
DEFAULT = "en"
DOMAIN = "lossdemo"
LOCALES = Path(__file__).with_name("locales")

_current: ContextVar[str] = ContextVar("lossdemo_language", default=DEFAULT)


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (English is the code's own text)."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r} is not a language of this page; accepted: {', '.join(LANGUAGES)}")
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALES, languages=[lang])


def use(lang: str) -> None:
    """Answer in `lang` from now on in this thread's context (one script or fragment run)."""
    catalogue(lang)  # raises for an unknown language before anything changes
    _current.set(lang)


def current() -> str:
    """The language messages are answered in."""
    return _current.get()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Answer in `lang` inside the block only (tests, and a cached call made for one language)."""
    catalogue(lang)
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def from_locale(locale: str | None) -> str:
    """The page's language for a browser locale such as "zh-CN" or "en-GB"; English otherwise."""
    primary = (locale or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT


def _(message: str) -> str:
    """`message` in the current language."""
    return catalogue(_current.get()).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it (module constants)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for count `n`, in the current language."""
    return catalogue(_current.get()).ngettext(singular, plural, n)
