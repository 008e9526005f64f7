"""Hypothesis strategies for hostile inputs, and the one check every outcome must pass.

The strategies generate what a careless or hostile user hands Brineworks: brine files and CSVs
in the wrong encodings, with duplicate, ragged, empty or nonsensical content; scenario files with
paths for names and references to nothing; command lines with NaN, infinity, 1e30 and files
where folders belong. :func:`check_outcome` states the contract: no traceback, no internal
error, an exit status of 0, 2 (or 1 for a CSV with failed rows), and nothing non-physical
reported with status 0.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from click.testing import Result
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Fast suite: a bounded, reproducible number of examples; `make bench` (-m slow) runs more,
# with fresh random seeds.
_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
           HealthCheck.filter_too_much, HealthCheck.data_too_large]  # fmt: skip


def fast(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, suppress_health_check=_HEALTH,
                    database=None)  # fmt: skip


def slow(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=_HEALTH, database=None)


# ---------------------------------------------------------------------- values
hostile_floats = st.one_of(
    st.sampled_from([0.0, -0.0, -1.0, 1e-300, 1e30, 1e308, math.inf, -math.inf, math.nan]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0.0, max_value=400.0),
)
hostile_numbers_as_text = st.one_of(
    st.sampled_from(
        [
            "nan",
            "NaN",
            "inf",
            "-inf",
            "1e30",
            "1e308",
            "-5",
            "0",
            "",
            " ",
            "1,5",
            "1_000",
            "0x10",
            "abc",
            "25",
            "1.2",
            "∞",
            "٣",
        ]
    ),
    hostile_floats.map(repr),
)
solute_names = st.sampled_from(
    ["Na", "Na+", "na", "K", "Mg", "Mg2+", "Ca", "Li", "Cl", "cl-", "SO4", "sulfate", "B",
     "CO3", "HCO3", "Br", "Sr", "H2O", "Xx", "", " ", "Cl ", "NA+"]
)  # fmt: skip
units = st.one_of(
    st.sampled_from(
        [
            "g/L",
            "mg/L",
            "wt%",
            "mol/kgw",
            "mol/L",
            "m",
            "M",
            "ppm",
            "%",
            "",
            "furlongs",
            "G/l",
            "mol/kg",
        ]
    ),
    st.text(max_size=6),
)
amounts = st.one_of(
    hostile_floats, st.floats(min_value=0.0, max_value=300.0), st.integers(-5, 500),
    st.text(max_size=4), st.booleans(),
)  # fmt: skip
booleans = st.sampled_from([True, False, "true", "false", "FALSE", "yes", "no", 1, 0, 2, "maybe"])
text_values = st.one_of(st.text(max_size=12), st.sampled_from(["../../x", "/etc/passwd", "..", ""]))


# ---------------------------------------------------------------------- brine files
@st.composite
def brine_mappings(draw: st.DrawFn) -> dict[str, Any]:
    """A brine-file mapping with any of the known keys (and some unknown), hostile values."""
    data: dict[str, Any] = {}
    if draw(st.booleans()):
        data["name"] = draw(text_values)
    if draw(st.integers(0, 9)) > 0:
        data["unit"] = draw(units)
    if draw(st.integers(0, 9)) > 0:
        data["composition"] = draw(st.dictionaries(solute_names, amounts, max_size=6))
    optional: dict[str, st.SearchStrategy[Any]] = {
        "density_g_cm3": st.one_of(hostile_floats, st.floats(0.8, 2.2)),
        "temperature_c": st.one_of(hostile_floats, st.floats(-50, 150)),
        "pH": st.one_of(hostile_floats, st.floats(-2, 16)),
        "balance_on": st.one_of(solute_names, st.integers()),
        "allow_imbalance": booleans,
        "source": text_values,
        "colour": st.text(max_size=3),
    }
    for key, strategy in optional.items():
        if draw(st.integers(0, 4)) == 0:
            data[key] = draw(strategy)
    return data


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def to_toml(data: dict[str, Any]) -> str:
    """A tiny TOML writer for brine-file mappings (top-level values and one table)."""
    lines = []
    tables = []
    for k, v in data.items():
        key = json.dumps(str(k), ensure_ascii=False)
        if isinstance(v, dict):
            body = "\n".join(f"{json.dumps(str(a), ensure_ascii=False)} = {_toml_value(b)}"
                             for a, b in v.items())  # fmt: skip
            tables.append(f"[{key}]\n{body}\n")
        else:
            lines.append(f"{key} = {_toml_value(v)}")
    return "\n".join(lines) + "\n" + "\n".join(tables)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def brine_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes) of a brine file: TOML or JSON, any encoding, or plain garbage."""
    kind = draw(st.sampled_from([".toml", ".json", ".toml", ".json", ".bin"]))
    if kind == ".bin":
        return draw(st.sampled_from([".toml", ".json"])), draw(st.binary(max_size=200))
    data = draw(brine_mappings())
    text = to_toml(data) if kind == ".toml" else json.dumps(data, ensure_ascii=False)
    if draw(st.integers(0, 5)) == 0:  # a truncated file
        text = text[: draw(st.integers(0, len(text)))]
    return kind, encode(text, draw(st.sampled_from(ENCODINGS)))


# ---------------------------------------------------------------------- CSV files
csv_columns = st.one_of(
    solute_names,
    st.sampled_from(
        [
            "name",
            "Name",
            "unit",
            "density_g_cm3",
            "temperature_c",
            "pH",
            "balance_on",
            "allow_imbalance",
            "source",
            "junk",
            "",
        ]
    ),
)
csv_cells = st.one_of(
    hostile_numbers_as_text,
    st.sampled_from(
        ["g/L", "mol/kgw", "wt%", "m", "Cl", "true", "no", "W1", "", "1.2", "100", "185", "5"]
    ),
    st.floats(min_value=0.0, max_value=200.0).map(lambda x: f"{x:.3g}"),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV of analyses: header and up to four rows from hostile pools, any delimiter and
    encoding, sometimes ragged, sometimes with a good row among the bad."""
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    if draw(st.booleans()):
        header = ["name", "unit", *draw(st.lists(solute_names, min_size=1, max_size=4))]
    else:
        header = draw(st.lists(csv_columns, min_size=0, max_size=6))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        width = len(header) if draw(st.integers(0, 3)) else draw(st.integers(0, len(header) + 2))
        rows.append([draw(csv_cells) for _ in range(width)])
    if draw(st.booleans()):
        rows.append(["good", "mol/kgw", "1", "1"][: len(header)] if header[:2] == ["name", "unit"]
                    else [])  # fmt: skip

    def line(cells: list[str]) -> str:
        return delimiter.join(c.replace(delimiter, " ").replace("\n", " ") for c in cells)

    text = "\n".join([line(header), *(line(r) for r in rows)]) + draw(st.sampled_from(["\n", ""]))
    if draw(st.integers(0, 6)) == 0:
        text = "# a comment line\n\n" + text
    return encode(text, draw(st.sampled_from(ENCODINGS)))


# ---------------------------------------------------------------------- scenario files
SCENARIO_VALUES = st.one_of(
    st.sampled_from(
        [
            '"../../x"',
            '"/tmp/evil"',
            '".."',
            '""',
            '"atlantis"',
            "nan",
            "inf",
            "-inf",
            "-1",
            "0",
            "1e30",
            "true",
            "[]",
            "{}",
            '"ponds.nowhere"',
            '"brine"',
            '"qarhan"',
            '"phase:Unobtainium"',
            '"density:-5"',
            '[["halite", "phase:Carnallite"], ["halite", "phase:Bischofite"]]',
            '"potash.kcl"',
            '"product"',
            '"treasure"',
        ]
    ),
    st.integers(-10, 10).map(str),
    st.text(max_size=8).map(lambda s: json.dumps(s, ensure_ascii=False)),
)


@st.composite
def scenario_texts(draw: st.DrawFn, base: str) -> str:
    """``base`` with one to three lines changed: a value replaced by a hostile one, a line
    dropped or duplicated, a table added."""
    lines = base.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        assignments = [i for i, ln in enumerate(lines) if "=" in ln and not ln.startswith("#")]
        action = draw(st.sampled_from(["value", "value", "value", "drop", "dup", "table",
                                       "both_brines"]))  # fmt: skip
        if action == "value" and assignments:
            i = draw(st.sampled_from(assignments))
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {draw(SCENARIO_VALUES)}"
        elif action == "drop" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
        elif action == "dup" and assignments:
            i = draw(st.sampled_from(assignments))
            lines.insert(i, lines[i])
        elif action == "table":
            lines += [
                "",
                "[[streams]]",
                f"name = {draw(SCENARIO_VALUES)}",
                f"from = {draw(SCENARIO_VALUES)}",
                f"to = {draw(SCENARIO_VALUES)}",
            ]
        elif action == "both_brines":
            lines = [ln.replace("[brine]", '[brine]\nunit = "g/L"\ncomposition = { Na = 1 }')
                     for ln in lines]  # fmt: skip
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- outcomes
def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def physical_speciation(d: dict[str, Any]) -> None:
    """What a speciation reported with status 0 must satisfy."""
    assert 900.0 < d["density_kg_m3"] < 2100.0, d["density_kg_m3"]
    assert 0.0 < d["water_activity"] <= 1.0 + 1e-9, d["water_activity"]
    assert _finite(d["ionic_strength"])
    assert 0.0 <= d["ionic_strength"] <= 25.0 + 1e-6
    assert 0.0 < d["pH"] < 14.0
    assert -273.15 < d["temperature_c"] <= 100.0 + 1e-9
    assert all(_finite(m) and m >= 0 for m in d["molality"].values()), d["molality"]
    assert all(v is None or _finite(v) for v in d["saturation_index"].values())


def check_outcome(
    result: Result,
    *,
    csv_rows: bool = False,
    physical: Callable[[Any], None] | None = None,
) -> None:
    """The contract of every command, whatever it was given.

    No traceback and no internal error; status 0 or 2 (1 for a CSV some of whose rows failed,
    each failure then on stderr); one line on stderr for status 2; with status 0 (or 1 for a
    CSV), what was printed as JSON passes ``physical``.
    """
    text = (result.stdout or "") + (result.stderr or "")
    assert "Traceback" not in text, text[-2000:]
    assert "internal error" not in text, text[-2000:]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"escaped: {result.exception!r}") from result.exception
    allowed = {0, 1, 2} if csv_rows else {0, 2}
    assert result.exit_code in allowed, (result.exit_code, text[-2000:])
    if result.exit_code == 2:
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert lines, "a user error says what is wrong"
        assert lines[-1].startswith("error: "), lines
    if result.exit_code == 1:
        assert "row " in result.stderr
    if result.exit_code in (0, 1) and physical is not None and result.stdout.strip():
        physical(json.loads(result.stdout))
