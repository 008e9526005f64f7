"""Economics command: costs, cash flows and product costs of a solved park (results.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brineworks.cli._common import JsonOpt, app, out, user_errors, write_json
from brineworks.errors import InputError as BrineworksInputError


def _m(x: float) -> str:
    return f"{x / 1e6:,.1f}"


@app.command()
@user_errors
def economics(
    results: Annotated[Path, typer.Argument(help="results.json written by 'brineworks run'.")],
    prices: Annotated[
        str, typer.Option("--prices", help="Price set: low, mid, high, or a CSV file.")
    ] = "mid",
    with_tornado: Annotated[
        bool, typer.Option("--tornado", help="Also the NPV at ±20 % of each parameter.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Capital and operating costs, cash flows with Chinese taxes, NPV, IRR, payback and the
    levelised cost of each product of a solved park."""
    from brineworks.economics import ParkInventory, evaluate, load_prices, tornado

    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        allowed = f"a results.json ({exc})"
        raise BrineworksInputError("RESULTS_JSON", str(results), allowed) from None
    price_set = load_prices(prices)
    inventory = ParkInventory.from_results(data)
    result = evaluate(inventory, price_set)
    bars = tornado(inventory, price_set)[1] if with_tornado else ()
    if as_json:
        payload = result.to_dict()
        if with_tornado:
            payload["tornado"] = [b.to_dict() for b in bars]
        write_json(payload)
        return
    units = Table("unit", "basis", "capacity t/yr", "capex M CNY", "opex M CNY/yr", "jobs",
                  title=f"{result.scenario}: plants (CNY of {result.price_year})")  # fmt: skip
    for u in result.units:
        if u.costed:
            units.add_row(u.unit, u.basis, f"{u.capacity_t_per_yr:.4g}", _m(u.capex_cny),
                          _m(u.opex_cny_per_yr), f"{u.jobs:.0f}")  # fmt: skip
    out.print(units)
    lines = Table("product", "t/yr", "price", "cash cost", "production cost", "levelised cost",
                  title=f"products (CNY/t, {result.prices} prices, ex-VAT)")  # fmt: skip
    for p in result.products:
        cells = [p.cash_cost_cny_per_t, p.production_cost_cny_per_t, p.levelised_cost_cny_per_t]
        lines.add_row(p.product, f"{p.t_per_yr:.4g}", f"{p.price_cny_per_t:,.0f}",
                      *(f"{c:,.0f}" if c is not None else "-" for c in cells))  # fmt: skip
    out.print(lines)
    irr = f"{100 * result.irr:.1f} %" if result.irr is not None else "none"
    payback = f"{result.payback_yr:.1f} yr" if result.payback_yr is not None else "never"
    out.print(
        f"NPV at {100 * result.discount_rate:g} % (real): {_m(result.npv_cny)} M CNY; "
        f"IRR {irr}; payback {payback} from the start of construction",
        highlight=False,
    )
    taxes = result.taxes_cny()
    out.print(
        "taxes over the life (present value, M CNY): "
        + ", ".join(f"{k} {_m(v['present_value'])}" for k, v in taxes.items()),
        highlight=False,
    )
    if bars:
        table = Table("parameter", "NPV low", "NPV high", title="NPV at -20 % / +20 % (M CNY)")
        for b in bars:
            table.add_row(b.parameter, _m(b.npv_low), _m(b.npv_high))
        out.print(table)
    for note in result.notes:
        out.print(f"note: {note}", highlight=False, markup=False)
