"""The Pitzer activity model, vectorised over many solutions (pure functions on numpy arrays).

This is the activity model of the native backend (:mod:`brineworks.chemistry.native`). It reads
its parameters from the same database text as the PHREEQC backend (``pitzer.dat`` plus the
Brineworks extension), so the two backends share one set of numbers.

The equations are those of Harvie, Møller & Weare (1984) [1]_ with the unsymmetrical mixing terms
of Pitzer (1975) [2]_; for species i, with molalities m, ionic strength I and Z = Σ m|z|:

.. math::

    \\ln\\gamma_M = z_M^2 F + \\sum_a m_a (2B_{Ma} + Z C_{Ma}) + \\sum_c m_c (2\\Phi_{Mc}
        + \\sum_a m_a \\psi_{Mca}) + \\sum_{a<a'} m_a m_{a'} \\psi_{Maa'}
        + |z_M| \\sum_c \\sum_a m_c m_a C_{ca} + 2\\sum_n m_n \\lambda_{nM}
        + \\sum_n \\sum_a m_n m_a \\zeta_{nMa}

(anions alike) and the osmotic coefficient from the same excess Gibbs energy. Every term is
written as a sum over the parameter *lists* (pairs and triples of species) rather than over
dense species tensors, so the cost grows with the number of parameters, not with the cube of
the number of species.

References
----------
.. [1] Harvie C.E., Møller N., Weare J.H. (1984) Geochim. Cosmochim. Acta 48, 723–751.
.. [2] Pitzer K.S. (1975) J. Solution Chem. 4, 249–265.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from brineworks.chemistry.formula import species_charge
from brineworks.chemistry.water import debye_huckel_aphi

__all__ = [
    "B_DH",
    "T_REF",
    "ActivityResult",
    "PitzerModel",
    "parse_pitzer_block",
    "temperature_basis",
    "unsymmetric_j",
]

FloatArray = NDArray[np.float64]

T_REF = 298.15
"""Reference temperature of the parameter temperature functions. [K]"""

B_DH = 1.2
"""Pitzer's universal constant b. [kg^0.5 mol^-0.5]"""

M_WATER = 1.0 / 55.50837
"""Molar mass of water in the water-activity equation, ln a_w = −φ M_w Σm (PHREEQC's 55.50837
mol/kg). [kg/mol]"""

_KINDS = ("B0", "B1", "B2", "C0", "THETA", "LAMBDA", "ZETA", "PSI", "MU", "ETA", "ALPHAS", "APHI")
_OPTIONS = ("USE_ETHETA", "ETHETA", "MACINNES", "MACINNIS", "MAC")


# --------------------------------------------------------------------------------------
# Temperature functions
# --------------------------------------------------------------------------------------
def temperature_basis(temperature: FloatArray | float) -> FloatArray:
    """Basis of the parameter temperature function.

    ``P(T) = A0 + A1(1/T − 1/Tr) + A2 ln(T/Tr) + A3(T − Tr) + A4(T² − Tr²) + A5(1/T² − 1/Tr²)``
    with Tr = 298.15 K, as in PHREEQC's Pitzer databases.

    Parameters
    ----------
    temperature
        Temperatures. [K]

    Returns
    -------
    numpy.ndarray
        Shape ``(..., 6)``: the six basis functions at each temperature.
    """
    t = np.asarray(temperature, dtype=float)
    return np.stack(
        [
            np.ones_like(t),
            1.0 / t - 1.0 / T_REF,
            np.log(t / T_REF),
            t - T_REF,
            t * t - T_REF * T_REF,
            1.0 / (t * t) - 1.0 / (T_REF * T_REF),
        ],
        axis=-1,
    )


# --------------------------------------------------------------------------------------
# Unsymmetrical mixing: J(x) = x⁻¹ ∫₀^∞ (1 + q + q²/2 − e^q) y² dy, q = −(x/y) e^{−y}
# --------------------------------------------------------------------------------------
_J_STEP = 0.02


def _j_quadrature(
    x: FloatArray, *, compiled: bool = False
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """J, J' and J'' by the trapezoidal rule in ln y.

    With y = e^v the integrands are smooth and decay doubly exponentially at both ends, so the
    trapezoidal rule on v ∈ [−60, 6] converges geometrically (step 0.02: relative error
    below 1e-10 for 1e-12 ≤ x ≤ 1e4, measured against step 0.01). With ``compiled``, the same
    sums by :func:`brineworks.chemistry.kernels.j_integrals` (the table: 0.1 s instead of 1.5 s).
    """
    v = np.arange(-60.0, 6.0 + 1e-9, _J_STEP)
    y = np.exp(v)
    w = _J_STEP * y**3  # dy = y dv, times y²
    if compiled:
        from brineworks.chemistry import kernels

        k0, k1, k2 = kernels.j_integrals(np.ascontiguousarray(x, dtype=np.float64), y, w)
        return _j_from_integrals(x, k0, k1, k2)
    k0 = np.empty_like(x)
    k1 = np.empty_like(x)
    k2 = np.empty_like(x)
    for start in range(0, len(x), 64):
        xx = x[start : start + 64, None]
        q = -(xx / y) * np.exp(-y)
        q2 = q * q
        q3 = q2 * q
        small = np.abs(q) < 1e-3
        eq = np.exp(np.maximum(q, -700.0))
        # f = 1 + q + q²/2 − e^q;  g = q + q² − q e^q;  h = q (1 + 2q − e^q − q e^q);
        # near q = 0 their series (the direct forms lose every digit there)
        f = np.where(small, -q3 * (1 / 6 + q / 24 + q2 / 120), 1 + q + 0.5 * q2 - eq)
        g = np.where(small, -q3 * (0.5 + q / 6 + q2 / 24), q + q2 - q * eq)
        h = np.where(small, -q3 * (1.5 + q * 2 / 3 + q2 * 5 / 24), q * (1 + 2 * q - eq - q * eq))
        k0[start : start + 64] = f @ w
        k1[start : start + 64] = g @ w
        k2[start : start + 64] = h @ w
    return _j_from_integrals(x, k0, k1, k2)


def _j_from_integrals(
    x: FloatArray, k0: FloatArray, k1: FloatArray, k2: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    # K(x) = ∫ f y² dy; x K' = ∫ g y² dy; x² K'' = ∫ (h − g) y² dy
    j = k0 / x
    kp = k1 / x
    kpp = (k2 - k1) / (x * x)
    jp = kp / x - k0 / (x * x)
    jpp = kpp / x - 2.0 * kp / (x * x) + 2.0 * k0 / x**3
    return j, jp, jpp


@cache
def _j_table() -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    s = np.linspace(math.log(1e-12), math.log(1e4), 2401)
    x = np.exp(s)
    j, jp, jpp = _j_quadrature(x, compiled=True)
    return s, j, jp, jpp


@cache
def j_table() -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The J(x) table of :func:`unsymmetric_j` for the compiled kernels: ln x, x, J, J', J''."""
    s, j, jp, jpp = _j_table()
    return s, np.exp(s), j, jp, jpp


def unsymmetric_j(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Pitzer's J(x) and dJ/dx for the unsymmetrical mixing terms.

    Tabulated once by quadrature of its defining integral and interpolated by cubic Hermite
    polynomials in ln x (relative error below 1e-9 for 1e-6 ≤ x ≤ 1e3). J(1) = 0.116437.

    Parameters
    ----------
    x
        Argument x = 6 z_i z_j A_φ √I (≥ 0). [-]
    """
    s_tab, j_tab, jp_tab, jpp_tab = _j_table()
    xv = np.asarray(x, dtype=float)
    out_j = np.zeros_like(xv)
    out_jp = np.zeros_like(xv)
    pos = xv > 0
    if not np.any(pos):
        return out_j, out_jp
    s = np.log(np.clip(xv[pos], math.exp(s_tab[0]), math.exp(s_tab[-1])))
    h = s_tab[1] - s_tab[0]
    i = np.clip(((s - s_tab[0]) / h).astype(int), 0, len(s_tab) - 2)
    t = (s - s_tab[i]) / h
    xi0, xi1 = np.exp(s_tab[i]), np.exp(s_tab[i + 1])
    # derivatives with respect to s = ln x: dJ/ds = x J', d(J')/ds = x J''
    out_j[pos] = _hermite(t, h, j_tab[i], j_tab[i + 1], xi0 * jp_tab[i], xi1 * jp_tab[i + 1])
    out_jp[pos] = _hermite(t, h, jp_tab[i], jp_tab[i + 1], xi0 * jpp_tab[i], xi1 * jpp_tab[i + 1])
    return out_j, out_jp


def _hermite(
    t: FloatArray, h: float, y0: FloatArray, y1: FloatArray, d0: FloatArray, d1: FloatArray
) -> FloatArray:
    t2 = t * t
    t3 = t2 * t
    return np.asarray(
        (2 * t3 - 3 * t2 + 1) * y0
        + (t3 - 2 * t2 + t) * h * d0
        + (-2 * t3 + 3 * t2) * y1
        + (t3 - t2) * h * d1
    )


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------
def parse_pitzer_block(lines: Iterable[str]) -> dict[str, dict[tuple[str, ...], tuple[float, ...]]]:
    """Parameters of PHREEQC ``PITZER`` lines (comments already stripped).

    Returns
    -------
    dict
        Kind (``"B0"``, ``"THETA"``, ``"PSI"`` …) → species tuple (sorted, so the order in the
        file does not matter; as written for ``ALPHAS``) → up to six temperature-function
        coefficients. A later line replaces an earlier one for the same species, as in PHREEQC.
        ``APHI`` (a temperature function for A_φ) is stored under the empty tuple, and the
        options ``-MacInnes`` and ``-use_etheta`` under ``OPTIONS`` as 1.0 (true) or 0.0.

    Raises
    ------
    ValueError
        On an option this model does not implement (rather than ignoring it).
    """
    out: dict[str, dict[tuple[str, ...], tuple[float, ...]]] = {}
    kind: str | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("-"):
            words = line[1:].split()
            word = words[0].upper()
            kind = "LAMBDA" if word == "LAMDA" else word
            if kind in _OPTIONS or word.startswith("MAC"):
                # -MacInnes / -use_etheta [true|false]: stored as OPTIONS → (name,) → (1.0|0.0)
                name = "MACINNES" if word.startswith("MAC") else "USE_ETHETA"
                value = words[1].lower() not in ("false", "f", "0") if len(words) > 1 else True
                out.setdefault("OPTIONS", {})[(name,)] = (1.0 if value else 0.0,)
                kind = None
            elif kind not in _KINDS:
                raise ValueError(f"PITZER option -{words[0]} is not supported")
            continue
        if kind is None:
            continue
        parts = line.split()
        if kind == "APHI":
            out.setdefault(kind, {})[()] = tuple(float(v) for v in parts[:6])
            continue
        n_species = {"ZETA": 3, "PSI": 3, "MU": 3, "ETA": 3}.get(kind, 2)
        # α overrides apply to the pair in the order written, as in PHREEQC; others are unordered
        species = tuple(parts[:n_species]) if kind == "ALPHAS" else tuple(sorted(parts[:n_species]))
        values = tuple(float(v) for v in parts[n_species : n_species + 6])
        out.setdefault(kind, {})[species] = values
    return out


def _alphas(z1: float, z2: float) -> tuple[float, float]:
    """α1, α2 of a cation–anion pair (Pitzer's rule as PHREEQC applies it): 2 and 12 when
    either ion is singly charged, 1.4 and 12 for 2–2 salts, 2 and 50 otherwise."""
    if abs(z1) == 1 or abs(z2) == 1:
        return 2.0, 12.0
    if abs(z1) == 2 and abs(z2) == 2:
        return 1.4, 12.0
    return 2.0, 50.0


def _coefficients(values: tuple[float, ...]) -> FloatArray:
    c = np.zeros(6)
    c[: len(values)] = values
    return c


@dataclass(frozen=True)
class ActivityResult:
    """Activity model output for N solutions of S species.

    Attributes
    ----------
    ln_gamma
        Natural log of the molal activity coefficient of each species, shape (N, S). [-]
    osmotic
        Osmotic coefficient, shape (N,). [-]
    ln_water_activity
        Natural log of the activity of water, shape (N,). [-]
    ionic_strength
        Ionic strength, shape (N,). [mol/kg H2O]
    """

    ln_gamma: FloatArray
    osmotic: FloatArray
    ln_water_activity: FloatArray
    ionic_strength: FloatArray


@dataclass(frozen=True)
class _PairTerms:
    i: NDArray[np.intp]
    j: NDArray[np.intp]
    coeffs: FloatArray  # (P, 6)

    def at(self, basis: FloatArray) -> FloatArray:
        return basis @ self.coeffs.T  # (N, P)


@dataclass(frozen=True)
class PitzerModel:
    """Pitzer parameters for a fixed list of aqueous species.

    Build with :meth:`from_parameters` (or :meth:`from_database`); evaluate with
    :meth:`activity`.
    """

    species: tuple[str, ...]
    charge: FloatArray
    salt: _PairTerms  # cation–anion pairs: coefficients of β0, β1, β2, Cφ stacked (P, 24)
    alpha: FloatArray  # (P, 2): α1, α2 of each cation–anion pair
    like: _PairTerms  # same-sign ion pairs: θ
    neutral: _PairTerms  # neutral–species pairs: λ
    triples: tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp], FloatArray]  # ψ, ζ, η, μ
    use_etheta: bool = True  # PITZER -use_etheta
    aphi: FloatArray | None = None  # PITZER -APhi temperature function (6,), else from water

    @classmethod
    def from_parameters(
        cls,
        species: Sequence[str],
        parameters: Mapping[str, Mapping[tuple[str, ...], tuple[float, ...]]],
    ) -> PitzerModel:
        """Keep the parameters that involve only ``species``.

        Parameters
        ----------
        species
            Aqueous species names as in the database (``"Na+"``, ``"SO4-2"``, ``"B(OH)3"``).
        parameters
            Output of :func:`parse_pitzer_block`.
        """
        names = tuple(species)
        index = {s: k for k, s in enumerate(names)}
        z = np.array([species_charge(s) for s in names], dtype=float)
        wanted = set(names)

        def rows(kind: str) -> list[tuple[tuple[str, ...], tuple[float, ...]]]:
            return [(k, v) for k, v in parameters.get(kind, {}).items() if set(k) <= wanted]

        # cation–anion pairs
        pair_keys: dict[tuple[str, ...], FloatArray] = {}
        for slot, kind in enumerate(("B0", "B1", "B2", "C0")):
            for key, values in rows(kind):
                if z[index[key[0]]] * z[index[key[1]]] >= 0:
                    continue
                block = pair_keys.setdefault(key, np.zeros(24))
                block[6 * slot : 6 * slot + 6] = _coefficients(values)
        keys = sorted(pair_keys)
        si = np.array([index[k[0]] if z[index[k[0]]] > 0 else index[k[1]] for k in keys], int)
        sj = np.array([index[k[1]] if z[index[k[0]]] > 0 else index[k[0]] for k in keys], int)
        overrides = parameters.get("ALPHAS", {})
        alpha_rows = []
        for a, b in zip(si, sj, strict=True):
            given = overrides.get((names[a], names[b]), overrides.get((names[b], names[a])))
            if given is None:
                alpha_rows.append(_alphas(z[a], z[b]))
            else:  # -ALPHAS: α1 (and α2; 0 when only α1 is given, as in PHREEQC)
                alpha_rows.append((given[0], given[1] if len(given) > 1 else 0.0))
        alpha = np.array(alpha_rows, dtype=float).reshape(-1, 2)
        salt = _PairTerms(si, sj, np.array([pair_keys[k] for k in keys]).reshape(-1, 24))

        # like-charged pairs: θ (every pair of distinct same-sign ions, for the E-θ terms)
        ions = [k for k, s in enumerate(names) if z[k] != 0]
        theta = {k: _coefficients(v) for k, v in rows("THETA")}
        li, lj, lc = [], [], []
        for p, first in enumerate(ions):
            for second in ions[p + 1 :]:
                if z[first] * z[second] <= 0:
                    continue
                pair = tuple(sorted((names[first], names[second])))
                if z[first] == z[second] and pair not in theta:
                    continue  # no θ and no E-θ between ions of equal charge
                li.append(first)
                lj.append(second)
                lc.append(theta.get(pair, np.zeros(6)))
        like = _PairTerms(np.array(li, int), np.array(lj, int), np.array(lc).reshape(-1, 6))

        ni, nj, nc = [], [], []
        for key, values in rows("LAMBDA"):
            n1, n2 = index[key[0]], index[key[1]]
            if z[n1] != 0 and z[n2] != 0:
                continue
            if z[n1] != 0:
                n1, n2 = n2, n1
            ni.append(n1)
            nj.append(n2)
            nc.append(_coefficients(values))
        neutral = _PairTerms(np.array(ni, int), np.array(nj, int), np.array(nc).reshape(-1, 6))

        ti, tj, tk, tc = [], [], [], []
        for kind in ("PSI", "ZETA", "ETA", "MU"):
            for key, values in rows(kind):
                i1, i2, i3 = (index[sp] for sp in key)
                ti.append(i1)
                tj.append(i2)
                tk.append(i3)
                # μ of repeated neutrals: PHREEQC weighs (n,n,n) 1, (n,n,n') 3, distinct 6
                weight = 6.0 / math.prod(math.factorial(key.count(sp)) for sp in set(key))
                tc.append(_coefficients(values) * (weight if kind == "MU" else 1.0))
        triples = (
            np.array(ti, int),
            np.array(tj, int),
            np.array(tk, int),
            np.array(tc).reshape(-1, 6),
        )
        options = parameters.get("OPTIONS", {})
        aphi = parameters.get("APHI", {}).get(())
        return cls(
            names,
            z,
            salt,
            alpha,
            like,
            neutral,
            triples,
            use_etheta=bool(options.get(("USE_ETHETA",), (1.0,))[0]),
            aphi=None if aphi is None else _coefficients(aphi),
        )

    # ------------------------------------------------------------------ compiled form
    @cached_property
    def compiled(self) -> tuple[Any, ...]:
        """The index structure for :mod:`brineworks.chemistry.kernels`, built once per model.

        (z, salt cation, salt anion, the columns of its α1 and α2 among the distinct α values,
        those values, 2√|z_c z_a|, like i, like j, |z_i z_j|, columns of
        z1·z2, z1², z2² among the distinct charge products, whether the pair has Eθ, the
        distinct products, neutral n, its partner, triple i, j, k, use_etheta).
        """
        z = self.charge
        az = np.abs(z)
        ci, ai = self.salt.i, self.salt.j
        li, lj = self.like.i, self.like.j
        pair_cols = np.zeros((len(li), 3), dtype=np.intp)
        zz = np.zeros(len(li))
        uneq = np.zeros(len(li), dtype=bool)
        products: FloatArray = np.zeros(0)
        if len(li):
            kinds, products, cols, index = _etheta_plan(
                tuple(z[li].tolist()), tuple(z[lj].tolist())
            )
            uneq = index < len(kinds)
        if np.any(uneq):
            pair_cols[uneq] = cols[index[uneq]]
            zz[uneq] = kinds[index[uneq], 0] * kinds[index[uneq], 1]
        ti, tj, tk, _ = self.triples
        # the g functions depend on the pair only through α: evaluated once per distinct α
        alphas, alpha_index = np.unique(self.alpha.reshape(-1), return_inverse=True)

        def ints(a: NDArray[np.intp]) -> NDArray[np.intp]:
            return np.ascontiguousarray(a, dtype=np.intp)

        def floats(a: FloatArray) -> FloatArray:
            return np.ascontiguousarray(a, dtype=np.float64)

        return (
            floats(z),
            ints(ci),
            ints(ai),
            ints(alpha_index.reshape(-1, 2)),
            floats(alphas),
            floats(2.0 * np.sqrt(az[ci] * az[ai])),
            ints(li),
            ints(lj),
            floats(zz),
            ints(pair_cols),
            np.ascontiguousarray(uneq, dtype=np.bool_),
            floats(np.asarray(products, dtype=float).reshape(-1)),
            ints(self.neutral.i),
            ints(self.neutral.j),
            ints(ti),
            ints(tj),
            ints(tk),
            bool(self.use_etheta),
        )

    def parameters_at(self, temperature: FloatArray) -> tuple[FloatArray, ...]:
        """β0, β1, β2, Cφ (N, P), θ, λ, the triple parameters and A_φ (N,) at each temperature,
        for :mod:`brineworks.chemistry.kernels` (one evaluation per distinct temperature)."""
        t = np.asarray(temperature, dtype=float).reshape(-1)
        if len(t) == 1:
            key = float(t[0])
            cache = self._parameter_cache
            if key not in cache:
                if len(cache) > 512:
                    cache.clear()
                cache[key] = self._parameters_rows(t)
            return cache[key]
        unique, inverse = np.unique(t, return_inverse=True)
        if len(unique) == 1:
            return tuple(np.repeat(a, len(t), axis=0) for a in self.parameters_at(unique))
        if 2 * len(unique) > len(t):  # mostly distinct: evaluate row by row
            return self._parameters_rows(t)
        return tuple(np.ascontiguousarray(a[inverse]) for a in self._parameters_rows(unique))

    @cached_property
    def _coefficient_blocks(self) -> tuple[FloatArray, ...]:
        """(6, P) coefficient matrices of β0, β1, β2, Cφ, θ, λ and the triple parameters."""
        salt = self.salt.coeffs.reshape(-1, 4, 6)
        blocks = [salt[:, k, :] for k in range(4)]
        blocks += [self.like.coeffs, self.neutral.coeffs, self.triples[3]]
        return tuple(np.ascontiguousarray(b.T, dtype=np.float64) for b in blocks)

    @cached_property
    def _parameter_cache(self) -> dict[float, tuple[FloatArray, ...]]:
        return {}

    def _parameters_rows(self, t: FloatArray) -> tuple[FloatArray, ...]:
        from brineworks.chemistry.kernels import rows_product

        basis = temperature_basis(t)
        if self.aphi is not None:
            aphi = rows_product(basis, self.aphi)
        else:
            aphi = np.asarray(debye_huckel_aphi(t)).reshape(-1)
        rows = [rows_product(basis, block) for block in self._coefficient_blocks]
        rows.append(np.asarray(aphi, dtype=np.float64).reshape(-1))
        return tuple(np.ascontiguousarray(a, dtype=np.float64) for a in rows)

    # ------------------------------------------------------------------ evaluation
    @cached_property
    def _incidence(self) -> FloatArray:
        """One matrix that sums every per-parameter contribution into its species' ln γ.

        Row blocks, in order: salt pairs (to the cation, to the anion), like pairs (to i, to
        j), neutral pairs (to the neutral, to its partner), triples (to each member).
        """
        ti, tj, tk, _ = self.triples
        index = np.concatenate(
            [self.salt.i, self.salt.j, self.like.i, self.like.j, self.neutral.i,
             self.neutral.j, ti, tj, tk]
        ).astype(np.intp)  # fmt: skip
        inc = np.zeros((len(index), len(self.species)))
        inc[np.arange(len(index)), index] = 1.0
        return inc

    def _parameters_at(self, basis: FloatArray) -> tuple[FloatArray, ...]:
        """β0, β1, β2, Cφ, θ, λ and the triple parameters at the basis' temperatures."""
        c = basis @ self.salt.coeffs.reshape(-1, 4, 6).transpose(2, 0, 1).reshape(6, -1)
        c = c.reshape(len(basis), -1, 4)
        return (
            c[..., 0],
            c[..., 1],
            c[..., 2],
            c[..., 3],
            self.like.at(basis),
            self.neutral.at(basis),
            basis @ self.triples[3].T,
        )

    def activity(self, molality: FloatArray, temperature: FloatArray | float) -> ActivityResult:
        """Activity coefficients, osmotic coefficient and water activity.

        Parameters
        ----------
        molality
            Species molalities, shape (N, S) or (S,), in the order of :attr:`species`.
            [mol/kg H2O]
        temperature
            Temperature of each solution, shape (N,) or scalar. [K]
        """
        m = np.atleast_2d(np.asarray(molality, dtype=float))
        n = m.shape[0]
        t = np.broadcast_to(np.asarray(temperature, dtype=float), (n,))
        single = bool(np.all(t == t[0]))
        # one temperature (the usual case): parameters evaluated once, broadcast over rows
        t_eval = t[:1] if single else t
        basis = temperature_basis(t_eval)  # (1 or N, 6)
        b0, b1, b2, cphi, theta, lam, p = self._parameters_at(basis)
        if self.aphi is not None:
            aphi = np.broadcast_to(basis @ self.aphi, (n,))
        else:
            aphi = np.broadcast_to(debye_huckel_aphi(t_eval), (n,))
        z = self.charge
        az = np.abs(z)
        ionic = 0.5 * (m @ (z * z))
        big_z = m @ az
        sqrt_i = np.sqrt(ionic)
        b = B_DH
        parts: list[FloatArray] = []

        # Debye–Hückel
        f_total = -aphi * (sqrt_i / (1 + b * sqrt_i) + (2 / b) * np.log1p(b * sqrt_i))
        osm = -aphi * ionic**1.5 / (1 + b * sqrt_i)
        sum_mmc = np.zeros(n)

        # cation–anion pairs
        ci, ai = self.salt.i, self.salt.j
        if len(ci):
            x1 = self.alpha[:, 0] * sqrt_i[:, None]
            x2 = self.alpha[:, 1] * sqrt_i[:, None]
            g1, g1p = _g(x1), _gp(x1)
            g2, g2p = _g(x2), _gp(x2)
            bb = b0 + b1 * g1 + b2 * g2
            with np.errstate(divide="ignore", invalid="ignore"):
                bprime = np.where(ionic[:, None] > 0, (b1 * g1p + b2 * g2p) / ionic[:, None], 0.0)
            bphi = b0 + b1 * np.exp(-x1) + b2 * np.exp(-x2)
            cc = cphi / (2.0 * np.sqrt(az[ci] * az[ai]))
            mc, ma = m[:, ci], m[:, ai]
            mm = mc * ma
            f_total = f_total + (mm * bprime).sum(axis=1)
            contrib = 2 * bb + big_z[:, None] * cc
            parts += [ma * contrib, mc * contrib]
            sum_mmc = (mm * cc).sum(axis=1)
            osm = osm + (mm * (bphi + big_z[:, None] * cc)).sum(axis=1)

        # like-charged pairs: Φ = θ + Eθ
        li, lj = self.like.i, self.like.j
        if len(li):
            if self.use_etheta:
                etheta, etheta_p = _e_theta(z[li], z[lj], aphi, ionic)
            else:
                etheta = etheta_p = np.zeros((n, len(li)))
            phi = theta + etheta
            mm = m[:, li] * m[:, lj]
            f_total = f_total + (mm * etheta_p).sum(axis=1)
            parts += [2 * m[:, lj] * phi, 2 * m[:, li] * phi]
            osm = osm + (mm * (phi + ionic[:, None] * etheta_p)).sum(axis=1)

        # neutral species: λ
        ni, nj = self.neutral.i, self.neutral.j
        if len(ni):
            self_pair = ni == nj
            parts += [2 * m[:, nj] * lam, np.where(self_pair, 0.0, 2 * m[:, ni] * lam)]
            osm = osm + (m[:, ni] * m[:, nj] * lam * np.where(self_pair, 0.5, 1.0)).sum(axis=1)

        # triples: ψ, ζ, η, μ — G_ex term Σ_t m_i m_j m_k p_t
        ti, tj, tk, _ = self.triples
        if len(ti):
            mi, mj, mk = m[:, ti], m[:, tj], m[:, tk]
            parts += [mj * mk * p, mi * mk * p, mi * mj * p]
            osm = osm + (mi * mj * mk * p).sum(axis=1)

        ln_g = (z * z)[None, :] * f_total[:, None] + az[None, :] * sum_mmc[:, None]
        if parts:
            ln_g = ln_g + np.concatenate(parts, axis=1) @ self._incidence
        total = m.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            phi_osm = np.where(total > 0, 1.0 + 2.0 * osm / total, 1.0)
        ln_aw = -phi_osm * total * M_WATER
        return ActivityResult(ln_g, phi_osm, ln_aw, ionic)


def _g(x: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 2.0 * (1.0 - (1.0 + x) * np.exp(-x)) / (x * x)
    return np.where(x > 1e-8, out, 1.0 - 2.0 * x / 3.0)


def _gp(x: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -2.0 * (1.0 - (1.0 + x + 0.5 * x * x) * np.exp(-x)) / (x * x)
    return np.where(x > 1e-8, out, -x / 3.0)


@cache
def _etheta_plan(
    zi: tuple[float, ...], zj: tuple[float, ...]
) -> tuple[FloatArray, FloatArray, NDArray[np.intp], NDArray[np.intp]]:
    """For same-sign pairs with charges zi, zj: the distinct unequal charge pairs (K, 2), the
    distinct charge products (U,), per kind the columns of z1·z2, z1², z2² among the products
    (K, 3), and per pair its kind (K for equal charges: no Eθ)."""
    lo = np.minimum(np.abs(zi), np.abs(zj))
    hi = np.maximum(np.abs(zi), np.abs(zj))
    unequal = lo != hi
    kinds = np.unique(np.stack([lo[unequal], hi[unequal]], axis=1), axis=0).reshape(-1, 2)
    products = np.unique(
        np.concatenate([kinds[:, 0] * kinds[:, 1], kinds[:, 0] ** 2, kinds[:, 1] ** 2])
    )
    cols = np.array(
        [
            [np.searchsorted(products, z1 * z2), np.searchsorted(products, z1 * z1),
             np.searchsorted(products, z2 * z2)]
            for z1, z2 in kinds
        ],
        dtype=np.intp,
    ).reshape(-1, 3)  # fmt: skip
    index = np.full(len(zi), len(kinds), dtype=np.intp)
    for q, (z1, z2) in enumerate(kinds):
        index[unequal & (lo == z1) & (hi == z2)] = q
    return kinds, products, cols, index


def _e_theta(
    zi: FloatArray, zj: FloatArray, aphi: FloatArray, ionic: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Eθ and Eθ' of same-sign pairs with charges zi, zj, shape (N, P).

    Eθ depends on the pair only through its two charges, so it is evaluated once per distinct
    charge pair (in practice 1–2, for cations and anions alike) and solution; J once per
    distinct charge product (1, 2, 4 …).
    """
    n = len(ionic)
    kinds, products, cols, index = _etheta_plan(tuple(zi.tolist()), tuple(zj.tolist()))
    if not len(kinds):
        return np.zeros((n, len(zi))), np.zeros((n, len(zi)))
    ok = ionic > 0
    i = np.where(ok, ionic, 1.0)[:, None]  # (N, 1); rows without ions are zeroed below
    x = 6.0 * aphi[:, None] * np.sqrt(i) * products[None, :]  # (N, U)
    j, jp = unsymmetric_j(x)
    x_jp = x * jp
    zz = kinds[:, 0] * kinds[:, 1]  # (K,)
    et = zz / (4 * i) * (j[:, cols[:, 0]] - 0.5 * j[:, cols[:, 1]] - 0.5 * j[:, cols[:, 2]])
    etp = -et / i + zz / (8 * i * i) * (
        x_jp[:, cols[:, 0]] - 0.5 * x_jp[:, cols[:, 1]] - 0.5 * x_jp[:, cols[:, 2]]
    )
    zeros = np.zeros((n, 1))
    out = np.concatenate([np.where(ok[:, None], et, 0.0), zeros], axis=1)[:, index]
    out_p = np.concatenate([np.where(ok[:, None], etp, 0.0), zeros], axis=1)[:, index]
    return out, out_p
