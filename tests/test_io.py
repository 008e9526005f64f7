"""Reading files as users have them: encodings, CSV tables, chunked speciation (issue 17)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from brineworks.chemistry.backend import ThermoBackend, get_backend
from brineworks.chemistry.brine import Brine
from brineworks.errors import InputError
from brineworks.io import brines_from_csv, load_brine, open_csv, read_text, speciate_csv

CSV = "name,Na,Cl,unit\nA,1.0,1.0,mol/kgw\nB,2.0,2.0,mol/kgw\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ---------------------------------------------------------------------- encodings
@pytest.mark.parametrize(
    "encoded",
    [
        CSV.encode("utf-8"),
        codecs.BOM_UTF8 + CSV.encode("utf-8"),
        CSV.encode("utf-16"),  # with a BOM, as Excel's "Unicode text"
        codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_unicode_csvs_are_read_alike(tmp_path: Path, encoded: bytes) -> None:
    rows = list(brines_from_csv(_write(tmp_path, "w.csv", encoded)))
    assert [r.name for r in rows] == ["A", "B"]
    assert rows[1].brine is not None
    assert rows[1].brine.molality["Na"] == pytest.approx(2.0)


def test_excel_unicode_text_with_tabs(tmp_path: Path) -> None:
    """Excel's 'Unicode text' export: UTF-16 with a BOM, tab-separated."""
    text = CSV.replace(",", "\t")
    rows = list(brines_from_csv(_write(tmp_path, "w.csv", text.encode("utf-16"))))
    assert [r.brine is not None for r in rows] == [True, True]


def test_latin1_is_refused_by_name_or_read_when_named(tmp_path: Path) -> None:
    p = _write(tmp_path, "w.csv", "name,Na,Cl,unit\nCafé,1,1,mol/kgw\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"byte 0xE9 on line 2 is not UTF-8.*Latin-1"):
        list(brines_from_csv(p))
    rows = list(brines_from_csv(p, encoding="latin-1"))
    assert rows[0].name == "Café"
    with pytest.raises(InputError, match="encoding: got 'klingon'"):
        list(brines_from_csv(p, encoding="klingon"))


def test_a_bad_byte_on_the_last_line_is_found_before_any_row(tmp_path: Path) -> None:
    body = "name,Na,Cl,unit\n" + "A,1,1,mol/kgw\n" * 20000 + "Z\xff,1,1,mol/kgw\n"
    p = _write(tmp_path, "w.csv", body.encode("latin-1"))
    with pytest.raises(InputError, match="line 20002"):
        next(iter(brines_from_csv(p)))


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data"),
        (bytes(range(1, 32)) * 20, "binary data"),
        (CSV.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    ],
)
def test_binary_files_are_refused(tmp_path: Path, data: bytes, match: str) -> None:
    with pytest.raises(InputError, match=match):
        read_text(_write(tmp_path, "x.toml", data), "brine file")
    with pytest.raises(InputError, match=match):
        open_csv(_write(tmp_path, "x.csv", data))


@pytest.mark.parametrize(("spec", "match"), [("", "a file name"), (None, "a file name")])
def test_names_that_are_not_files(spec: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        read_text(spec, "brine file")


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="a file, not a folder"):
        read_text(tmp_path, "brine file")
    with pytest.raises(InputError, match="a file, not a folder"):
        load_brine(str(tmp_path))


@pytest.mark.parametrize("spec", [None, {"Na": 1}, 42, ["seawater"], ""])
def test_load_brine_refuses_what_is_not_a_name(spec: object) -> None:
    with pytest.raises(InputError, match="BRINE"):
        load_brine(spec)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- CSV as a table
@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("name,Na,Na+,Cl,unit\nA,1,1,2,mol/kgw\n", r"'Na' and 'Na\+' are both Na"),
        ("name,Na,Cl,Cl,unit\nA,1,1,1,mol/kgw\n", r"'Cl' and 'Cl' are both Cl"),
        ("name,Na,,Cl,unit\nA,1,1,1,mol/kgw\n", "column 3 has none"),
        ("name,Na,Cl,unit,Name\nA,1,1,mol/kgw,B\n", "each column once"),
        ("name,Na,Cl,colour\nA,1,1,red\n", r"column\.colour"),
        ("Na,Cl,unit\n1,1,mol/kgw\n", "a 'name' column"),
        ("name,unit\nA,mol/kgw\n", "at least one solute column"),
        ("name,Na,Cl,unit\n", "a header without rows"),
        ("name,Na,Cl,unit\n\n\n", "a header without rows"),
        ("# only a comment\n", "an empty file"),
        ("", "an empty file"),
    ],
)
def test_bad_tables_are_refused_whole(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        list(brines_from_csv(_write(tmp_path, "w.csv", text.encode())))


def test_ragged_rows_are_errors_not_zeros(tmp_path: Path) -> None:
    text = (
        "name,Na,Cl,unit\nshort,1,1\nlong,1,1,mol/kgw,5\ntrailing,1,1,mol/kgw,,\nok,1,1,mol/kgw\n"
    )
    rows = list(brines_from_csv(_write(tmp_path, "w.csv", text.encode())))
    assert "this row has 3 cells and the header 4" in rows[0].error
    assert "this row has 5 cells" in rows[1].error
    assert rows[2].brine is not None  # empty cells beyond the header are what Excel writes
    assert rows[3].brine is not None


def test_cells_read_by_one_rule(tmp_path: Path) -> None:
    text = (
        "name,Na,Cl,unit,allow_imbalance\n"
        "empty cell is zero,1,,mol/kgw,yes\n"
        "not a number,1,1_000,mol/kgw,\n"
        "nan,nan,1,mol/kgw,\n"
        "inf,1,inf,mol/kgw,\n"
        "false is false,1,0.5,mol/kgw,False\n"
        "typo,1,1,mol/kgw,ture\n"
    )
    rows = {r.name: r for r in brines_from_csv(_write(tmp_path, "w.csv", text.encode()))}
    assert "anion" in rows["empty cell is zero"].error  # Na alone: both signs needed
    assert "Cl: got '1_000'; allowed: a number" in rows["not a number"].error
    assert "Na: got 'nan'; allowed: a number" in rows["nan"].error
    assert "Cl: got 'inf'; allowed: a number" in rows["inf"].error
    assert "charge balance" in rows["false is false"].error
    assert "allow_imbalance: got 'ture'" in rows["typo"].error


def test_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    text = "name;Na;Cl;unit\nA;1,5;1,5;mol/kgw\n"
    row = next(iter(brines_from_csv(_write(tmp_path, "w.csv", text.encode()))))
    assert row.brine is not None
    assert row.brine.molality["Na"] == pytest.approx(1.5)


def test_unit_given_twice_is_an_error(tmp_path: Path) -> None:
    p = _write(tmp_path, "w.csv", CSV.encode())
    with pytest.raises(InputError, match=r"--unit: got 'g/L'.*it has a 'unit' column"):
        list(brines_from_csv(p, unit="g/L"))


def test_ambiguous_units_in_rows(tmp_path: Path) -> None:
    text = "name,Na,Cl,unit\nA,1,1,m\nB,1,1,ppm\nC,1,1,M\n"
    rows = list(brines_from_csv(_write(tmp_path, "w.csv", text.encode())))
    assert "'m' is read as molal" in rows[0].error
    assert "mg per kg of solution" in rows[1].error
    assert rows[2].brine is not None  # M is molar


# ---------------------------------------------------------------------- chunks and batches
def test_rows_are_read_a_chunk_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Taking the first row builds only the first chunk: memory follows the chunk, not the
    file."""
    text = "name,Na,Cl,unit\n" + "".join(f"W{i},1,1,mol/kgw\n" for i in range(40))
    sizes: list[int] = []
    original = Brine.many_from_mappings

    def counting(data, **kwargs):  # type: ignore[no-untyped-def]
        sizes.append(len(data))
        return original(data, **kwargs)

    monkeypatch.setattr(Brine, "many_from_mappings", counting)
    rows = brines_from_csv(_write(tmp_path, "w.csv", text.encode()), chunk_size=7)
    first = next(iter(rows))
    assert first.name == "W0"
    assert sizes == [7]


def test_batch_densities_equal_the_single_path(tmp_path: Path) -> None:
    """g/L rows without a density: the batch iteration (native speciate_many, secant steps)
    gives the densities and molalities of one brine at a time, and a bad row is isolated."""
    native = get_backend("native")
    text = (
        "name,Na,K,Mg,Cl,SO4,unit,allow_imbalance\n"
        "W1,100,5,10,185,8,g/L,yes\nW2,60,2,30,190,20,g/L,yes\nW3,2000,0,0,3085,0,g/L,yes\n"
        "W4,20,1,2,34,3,g/L,yes\n"
    )
    rows = list(brines_from_csv(_write(tmp_path, "w.csv", text.encode()), backend=native))
    assert "ionic strength" in rows[2].error or "density" in rows[2].error
    raws = [(100, 5, 10, 185, 8), (60, 2, 30, 190, 20), None, (20, 1, 2, 34, 3)]
    for r, raw in zip(rows, raws, strict=True):
        if raw is None:
            continue
        assert r.brine is not None
        single = Brine.from_amounts(
            dict(zip(("Na", "K", "Mg", "Cl", "SO4"), raw, strict=True)), "g/L",
            allow_imbalance=True, backend=native,
        )  # fmt: skip
        assert r.brine.density == pytest.approx(single.density, rel=1e-8)
        for k, m in single.molality.items():
            assert r.brine.molality[k] == pytest.approx(m, rel=1e-8)


def test_speciate_csv_reuses_the_density_iteration_and_checks_given_densities(
    tmp_path: Path, backend: ThermoBackend
) -> None:
    native = get_backend("native")
    text = (
        "name,Na,Cl,unit,density_g_cm3\n"
        "computed,100,154.2,g/L,\n"
        "given well,100,154.2,g/L,1.16\n"
        "given badly,200,308,g/L,1.0\n"
    )
    p = _write(tmp_path, "w.csv", text.encode())
    ours = list(speciate_csv(p, backend=native, chunk_size=2))
    theirs = list(speciate_csv(p, backend=backend))
    assert "within 5 % of the model's" in ours[2].error
    assert "within 5 % of the model's" in theirs[2].error
    for a, b in zip(ours[:2], theirs[:2], strict=True):
        assert a.speciation is not None
        assert b.speciation is not None
        assert a.speciation.density == pytest.approx(b.speciation.density, rel=1e-5)
        assert a.brine is not None
        assert a.speciation.notes[: len(a.brine.notes)] == a.brine.notes
