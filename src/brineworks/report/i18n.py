"""The report's message catalogue: gettext ``.po`` files, one per language, read at run time.

Messages are written in English in the code and templates (``_("Products")``, the gettext
convention), so English needs no catalogue; ``locale/zh.po`` gives each its simplified-Chinese
form, in the industry's own terms (氯化钾, 光卤石, 老卤, 综合利用率 ...). Messages with a
context (``msgctxt``) name things: ``product`` (KCl → 氯化钾), ``mineral`` (Carnallite → 光卤石),
``fate`` and ``kind`` (unit kinds).

The ``.po`` files are parsed directly (a small reader for the subset used: ``msgctxt``,
``msgid``, ``msgstr``, continued strings, comments), so there is no compile step and no
dependency: translators edit them with any PO editor. A test checks that every message the
code and templates use has a translation.

Examples
--------
>>> zh = catalogue("zh")
>>> zh.gettext("Products")
'产品'
>>> zh.name("product", "KCl"), catalogue("en").name("product", "KCl")
('氯化钾 (KCl)', 'KCl')
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from brineworks.report.formatting import Formatter, Lang, check_lang

__all__ = ["Catalogue", "catalogue", "read_po"]

log = logging.getLogger(__name__)

_Key = tuple[str | None, str]


def read_po(text: str) -> dict[_Key, str]:
    """Entries of a ``.po`` file: ``(msgctxt or None, msgid)`` → ``msgstr``.

    Untranslated entries (empty ``msgstr``) and the header (empty ``msgid``) are left out.

    Raises
    ------
    ValueError
        On a line that is not a comment, a keyword with a quoted string, or a continued string.
    """
    entries: dict[_Key, str] = {}
    current: dict[str, str] = {}
    last: str | None = None

    def flush() -> None:
        nonlocal current, last
        if current.get("msgid") and current.get("msgstr"):
            entries[(current.get("msgctxt"), current["msgid"])] = current["msgstr"]
        current, last = {}, None

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line and current:
                flush()
            continue
        if line.startswith('"'):
            if last is None:
                raise ValueError(f"line {n}: a continued string without a keyword")
            current[last] += ast.literal_eval(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword not in ("msgctxt", "msgid", "msgstr") or not rest.startswith('"'):
            raise ValueError(f"line {n}: expected msgctxt, msgid or msgstr and a string: {raw!r}")
        if keyword in ("msgctxt", "msgid") and "msgstr" in current:
            flush()
        current[keyword] = ast.literal_eval(rest)
        last = keyword
    flush()
    return entries


@dataclass(frozen=True)
class Catalogue:
    """The messages of one language.

    Attributes
    ----------
    lang
        ``zh`` or ``en``.
    messages
        ``(context, English)`` → translation (empty for English).
    """

    lang: Lang
    messages: Mapping[_Key, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "messages", MappingProxyType(dict(self.messages)))

    @property
    def fmt(self) -> Formatter:
        """Number formats of the language."""
        return Formatter(self.lang)

    def gettext(self, message: str, /, **values: Any) -> str:
        """The translation of ``message`` (itself if there is none), with ``{name}`` fields
        filled from ``values``."""
        text = self.messages.get((None, message), message)
        if text is message and self.lang != "en":
            log.debug("no %s translation for %r", self.lang, message)
        return text.format(**values) if values else text

    __call__ = gettext

    def pgettext(self, context: str, message: str) -> str:
        """The translation of ``message`` in ``context`` (itself if there is none)."""
        return self.messages.get((context, message), message)

    def name(self, context: str, given: str) -> str:
        """A name from a scenario or the model, translated if it is a known one: the
        translation with the given name in brackets (``氯化钾 (KCl)``), or the name as given."""
        known = self.messages.get((context, given))
        if known is None or known == given:
            return given
        return f"{known} ({given})"

    def short(self, context: str, given: str) -> str:
        """A known name's translation alone (``氯化钾``), or the name as given."""
        return self.messages.get((context, given), given)


@cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang`` (``zh`` or ``en``).

    Raises
    ------
    InputError
        For another language.
    """
    code = check_lang(lang)
    if code == "en":
        return Catalogue("en")
    text = resources.files("brineworks.report").joinpath("locale", f"{code}.po").read_text("utf-8")
    return Catalogue(code, read_po(text))
