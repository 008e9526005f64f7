"""The native backend agrees with PHREEQC on random brines and conserves mass (Hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brineworks.chemistry.backend import get_backend
from brineworks.chemistry.brine import Brine

amount = st.one_of(st.just(0.0), st.floats(0.001, 1.0))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    li=amount, na=amount, k=amount, mg=amount, ca=st.one_of(st.just(0.0), st.floats(0.001, 0.5)),
    so4=amount, b=st.one_of(st.just(0.0), st.floats(1e-4, 0.2)),
    co3=st.one_of(st.just(0.0), st.floats(1e-4, 0.05)),
    scale=st.floats(0.5, 4.0), t_c=st.floats(0.0, 100.0),
)  # fmt: skip
def test_native_speciation_agrees_with_phreeqc(
    li: float, na: float, k: float, mg: float, ca: float, so4: float, b: float, co3: float,
    scale: float, t_c: float,
) -> None:  # fmt: skip
    """Random Li-Na-K-Mg-Ca-Cl-SO4-B-C brines up to ~15 mol/kg at 0–100 °C: element totals
    kept exactly, pH within 1e-4 and every saturation index within 1e-3 of PHREEQC (the
    installed IPhreeqc differs from the reference build by up to 3e-4 at 95 °C)."""
    comp = {"Li": li, "Na": na, "K": k, "Mg": mg, "Ca": ca, "SO4": so4, "B": b, "CO3": co3}
    comp = {key: scale * v for key, v in comp.items() if v > 0}
    cations = sum(comp.get(c, 0.0) * z for c, z in (("Li", 1), ("Na", 1), ("K", 1), ("Mg", 2),
                                                     ("Ca", 2)))  # fmt: skip
    comp["Cl"] = cations - 2 * comp.get("SO4", 0.0) - 2 * comp.get("CO3", 0.0)
    if comp["Cl"] < 0.01:
        comp["Cl"] = 0.01
        comp["Na"] = comp.get("Na", 0.0) + 0.01 - (cations - 2 * comp.get("SO4", 0.0)
                                                   - 2 * comp.get("CO3", 0.0))  # fmt: skip
    brine = Brine(molality=comp, temperature=t_c + 273.15, name="random")
    ours = get_backend("native").speciate(brine)
    theirs = get_backend("phreeqc").speciate(brine)
    for el, m in theirs.molality.items():
        assert abs(ours.molality[el] - m) <= 1e-10 * m, el
    assert abs(ours.pH - theirs.pH) < 1e-4
    for phase, si in theirs.saturation_index.items():
        assert abs(ours.saturation_index[phase] - si) < 1e-3, phase
