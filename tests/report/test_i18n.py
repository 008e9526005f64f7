"""The message catalogue: the .po reader, and a translation for every message the report,
workbook and CLI use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import brineworks.process.units  # noqa: F401  (registers the unit kinds)
from brineworks.process.unit import unit_types
from brineworks.report.i18n import catalogue, read_po
from brineworks.report.summary import INDICATORS

SRC = Path(__file__).parents[2] / "src" / "brineworks"
# _("..."), cat("..." "..."), c('...'), _h(cat, "...") with literal strings
_CALL = re.compile(
    r"""(?:(?<![\w.])(?:_|cat|c)\(|_h\(cat,)\s*((?:"(?:[^"\\\n]|\\.)*"\s*)+|'[^'\n]*')"""
)


def _messages() -> set[str]:
    """Messages written literally in the report package, its template and the run command."""
    files = [*(SRC / "report").glob("*.py"), *(SRC / "report" / "templates").glob("*.j2"),
             SRC / "cli" / "park.py"]  # fmt: skip
    found = set()
    for f in files:
        for m in _CALL.finditer(f.read_text(encoding="utf-8")):
            parts = re.findall(r""""((?:[^"\\]|\\.)*)"|'([^']*)'""", m.group(1))
            found.add("".join(a or b for a, b in parts))
    return found - {""}


def test_reader_handles_contexts_continuations_and_untranslated() -> None:
    text = '\n'.join([
        '# comment', 'msgid ""', 'msgstr ""', '"Language: zh_CN\\n"', '',
        'msgctxt "product"', 'msgid "KCl"', 'msgstr "氯化钾"', '',
        'msgid "long "', '"text"', 'msgstr "长"', '"文本"', '',
        'msgid "untranslated"', 'msgstr ""',
    ])  # fmt: skip
    assert read_po(text) == {("product", "KCl"): "氯化钾", (None, "long text"): "长文本"}
    with pytest.raises(ValueError, match="line 1"):
        read_po("msgid unquoted")


def test_every_message_used_has_a_chinese_translation() -> None:
    zh = catalogue("zh").messages
    used = _messages()
    assert len(used) > 150  # the extraction sees the code
    missing = sorted(m for m in used if (None, m) not in zh)
    assert not missing, f"add to locale/zh.po: {missing}"


def test_names_of_indicators_fates_and_unit_kinds_are_translated() -> None:
    zh = catalogue("zh")
    for label, _ in INDICATORS.values():
        assert zh(label) != label, label
    for fate in ("product", "reuse", "returned", "waste", "emission"):
        assert zh.pgettext("fate", fate) != fate
    for kind in unit_types():
        assert zh.pgettext("kind", kind) != kind, kind


def test_translations_keep_their_placeholders() -> None:
    for (_, en), text in catalogue("zh").messages.items():
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", text)), en


def test_industry_terms() -> None:
    zh = catalogue("zh")
    assert zh.name("product", "KCl") == "氯化钾 (KCl)"
    assert zh.short("mineral", "Bischofite") == "水氯镁石"
    assert zh.short("mineral", "Carnallite") == "光卤石"
    assert zh("comprehensive utilisation rate (by mass)").startswith("资源综合利用率")
    assert zh.name("product", "my own product") == "my own product"  # scenario names stay
    en = catalogue("en")
    assert en.name("product", "KCl") == "KCl"
    assert en("{n} direct jobs", n=3) == "3 direct jobs"
