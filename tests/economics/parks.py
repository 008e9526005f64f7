"""Small hand-made parks for the economics tests (flowsheet-independent inventories)."""

from __future__ import annotations

from brineworks.economics import ParkInventory, UnitInventory


def potash_park(kcl_t_per_yr: float = 1.0e6) -> ParkInventory:
    """A single-product park: ponds feeding a potash plant that sells KCl."""
    ponds = UnitInventory(
        name="ponds",
        kind="ponds",
        target="ponds",
        outputs_t_per_yr={"Carnallite": 5.0 * kcl_t_per_yr},
        feed_t_per_yr=110.0 * kcl_t_per_yr,
        pumped_brine_m3_per_yr=90.0 * kcl_t_per_yr,
        reaches={"KCl": kcl_t_per_yr},
    )
    plant = UnitInventory(
        name="potash",
        kind="potash_plant",
        target="potash_plant",
        outputs_t_per_yr={"KCl": kcl_t_per_yr},
        feed_t_per_yr=5.0 * kcl_t_per_yr,
        electricity_mwh_per_yr=0.1 * kcl_t_per_yr,
        fresh_water_m3_per_yr=2.0 * kcl_t_per_yr,
        reaches={"KCl": kcl_t_per_yr},
    )
    return ParkInventory(
        name="test-potash",
        units=(ponds, plant),
        products_t_per_yr={"KCl": kcl_t_per_yr},
        product_components={"KCl": {"KCl": kcl_t_per_yr}},
        pumped_brine_m3_per_yr=90.0 * kcl_t_per_yr,
    )


def two_product_park() -> ParkInventory:
    """KCl and Li2CO3 from shared ponds; the lithium plant buys soda ash partly made in the park
    (a reused stream) by a soda-ash plant fed with halite."""
    ponds = UnitInventory(
        name="ponds",
        kind="ponds",
        target="ponds",
        outputs_t_per_yr={"Carnallite": 5.0e6, "Halite": 1.0e7},
        feed_t_per_yr=1.1e8,
        pumped_brine_m3_per_yr=9.0e7,
        reaches={"KCl": 1.0e6, "soda ash": 2.0e4},
    )
    potash = UnitInventory(
        name="potash",
        kind="potash_plant",
        target="potash_plant",
        outputs_t_per_yr={"KCl": 1.0e6},
        feed_t_per_yr=5.0e6,
        reaches={"KCl": 1.0e6},
    )
    soda = UnitInventory(
        name="soda ash plant",
        kind="reactor",
        target="soda_ash",
        outputs_t_per_yr={"Na2CO3": 2.0e4},
        feed_t_per_yr=4.0e4,
        heat_gj_per_yr={"natural gas": 2.0e5},
        reagents_t_per_yr={"CaCO3 (bought)": {"CaCO3": 1.9e4}},
        reaches={"soda ash": 2.0e4},
    )
    lithium = UnitInventory(
        name="carbonation",
        kind="lithium_carbonate",
        target="lithium_carbonate",
        outputs_t_per_yr={"Li2CO3": 1.5e4},
        feed_t_per_yr=3.0e5,
        electricity_mwh_per_yr=3.0e4,
        heat_gj_per_yr={"natural gas": 8.0e4},
        reagents_t_per_yr={"soda ash": {"Na2CO3": 3.0e4}},
        reaches={"Li2CO3": 1.5e4},
    )
    return ParkInventory(
        name="test-two-products",
        units=(ponds, potash, soda, lithium),
        products_t_per_yr={"KCl": 1.0e6, "Li2CO3": 1.5e4},
        product_components={"KCl": {"KCl": 1.0e6}, "Li2CO3": {"Li2CO3": 1.5e4}},
        reuse_t_per_yr={"soda ash": {"Na2CO3": 2.0e4}},
        pumped_brine_m3_per_yr=9.0e7,
    )
