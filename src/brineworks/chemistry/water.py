"""Pure water and the Debye–Hückel slopes, evaluated as PHREEQC evaluates them at 1 atm.

The native backend must reproduce the PHREEQC backend's numbers, so the correlations and
constants here are the ones PHREEQC 3 (``utilities.cpp``: ``calc_rho_0``, ``calc_dielectrics``)
uses, read from its documentation and source and re-implemented:

* density of liquid water: Wagner & Pruß (2002) saturation-line equation plus PHREEQC's
  pressure polynomial (used here at 1 atm, or at the vapour pressure when that is higher);
* relative permittivity: Bradley & Pitzer (1979);
* A_φ = (1/3)(2π N_A ρ_w/1000)^½ (e²/(ε_r k T))^{3/2} with the CGS Bjerrum constant
  e²/k = 1.671008e-3 cm K and N_A = 6.02252e23 mol⁻¹ as in PHREEQC (0.391458 at 25 °C);
* the Debye–Hückel volume slope A_V and the Born function Q used in the apparent molar
  volumes of aqueous species (Appelo et al. 2014, Geochim. Cosmochim. Acta 125, 49–67).

All functions take temperature in kelvin (scalars or arrays) and assume a pressure of 1 atm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from brineworks.constants import KELVIN_OFFSET

__all__ = ["WaterProperties", "debye_huckel_aphi", "water_properties"]

FloatArray = NDArray[np.float64]

_N_A = 6.02252e23  # Avogadro's number as PHREEQC states it [1/mol]
_BJERRUM = 1.671008e-3  # e²/k in CGS units, as PHREEQC [cm K]
_WP_B = (1.99274064, 1.09965342, -0.510839303, -1.75493479, -45.5170352, -6.74694450e5)
_WP_E = (1.0 / 3.0, 2.0 / 3.0, 5.0 / 3.0, 16.0 / 3.0, 43.0 / 3.0, 110.0 / 3.0)
_P0 = (5.1880000e-02, -4.1885519e-04, 6.6780748e-06, -3.6648699e-08, 8.3501912e-11)
_P1 = (-6.0251348e-06, 3.6696407e-07, -9.2056269e-09, 6.7024182e-11, -1.5947241e-13)
_P2 = (-2.2983596e-09, -4.0133819e-10, 1.2619821e-11, -9.8952363e-14, 2.3363281e-16)
_P3 = (7.0517647e-11, 6.8566831e-12, -2.2829750e-13, 1.8113313e-15, -4.2475324e-18)
_BP = (3.4279e2, -5.0866e-3, 9.469e-7, -2.0525, 3.1159e3, -1.8289e2, -8.0325e3, 4.2142e6, 2.1417)


@dataclass(frozen=True)
class WaterProperties:
    """Properties of pure water at 1 atm (arrays shaped like the temperatures given).

    Attributes
    ----------
    density
        Density. [g/cm³]
    permittivity
        Relative permittivity ε_r. [-]
    aphi
        Debye–Hückel slope of the osmotic coefficient, A_φ. [(kg/mol)^½]
    dh_b
        Debye–Hückel B (κ per √I). [1/Å (kg/mol)^½]
    av
        Debye–Hückel slope of the apparent molar volume, A_V. [cm³/mol (kg/mol)^½]
    q_born
        Born function Q = (1/ε²)(∂ε/∂P), scaled as PHREEQC uses it with the ``-Vm`` W. [-]
    """

    density: FloatArray
    permittivity: FloatArray
    aphi: FloatArray
    dh_b: FloatArray
    av: FloatArray
    q_born: FloatArray


def _poly(c: tuple[float, ...], t: FloatArray) -> FloatArray:
    out = np.full_like(t, c[-1])
    for coef in reversed(c[:-1]):
        out = out * t + coef
    return out


def water_properties(temperature: FloatArray | float) -> WaterProperties:
    """Water density, permittivity and Debye–Hückel slopes at 1 atm.

    Parameters
    ----------
    temperature
        Temperature. [K]
    """
    t_k = np.asarray(temperature, dtype=float)
    t_c = t_k - KELVIN_OFFSET
    theta = 1.0 - t_k / 647.096
    rho_sat = 322.0 * (1.0 + sum(b * theta**e for b, e in zip(_WP_B, _WP_E, strict=True)))
    p_sat = np.exp(11.6702 - 3816.44 / (t_k - 46.13))  # [atm]
    pressure = np.maximum(1.0, p_sat)
    dp = pressure - (p_sat - 1e-6)
    p0, p1, p2, p3 = (_poly(c, t_c) for c in (_P0, _P1, _P2, _P3))
    rho = rho_sat + dp * (p0 + dp * (p1 + dp * (p2 + np.sqrt(dp) * p3)))  # [kg/m³]
    kappa = (p0 + dp * (2 * p1 + dp * (3 * p2 + 3.5 * p3 * np.sqrt(dp)))) / rho  # [1/atm]
    u1, u2, u3, u4, u5, u6, u7, u8, u9 = _BP
    p_bar = 1.01325 * pressure
    d1000 = u1 * np.exp(t_k * (u2 + t_k * u3))
    c = u4 + u5 / (u6 + t_k)
    b = u7 + u8 / t_k + u9 * t_k
    eps = d1000 + c * np.log((b + p_bar) / (b + 1000.0))
    bjerrum = _BJERRUM / (eps * t_k)  # [cm]
    rho_g = rho / 1000.0
    dh_b_cm = np.sqrt(8.0 * math.pi * _N_A * bjerrum * rho_g / 1000.0)
    aphi = dh_b_cm * bjerrum / 6.0
    av = dh_b_cm * bjerrum * 82.0597 * t_k * (1.01325 * c / ((b + p_bar) * eps) - kappa / 3.0)
    q_born = 41.84004 * c / ((b + p_bar) * eps * eps)
    return WaterProperties(
        density=np.asarray(rho_g),
        permittivity=np.asarray(eps),
        aphi=np.asarray(aphi),
        dh_b=np.asarray(dh_b_cm / 1e8),
        av=np.asarray(av),
        q_born=np.asarray(q_born),
    )


def debye_huckel_aphi(temperature: FloatArray | float) -> FloatArray:
    """Debye–Hückel A_φ at 1 atm (0.391458 at 25 °C). [(kg/mol)^½]"""
    t = np.asarray(temperature, dtype=float)
    if t.size == 1:
        return np.full(t.shape, _aphi_at(float(t.reshape(-1)[0])))
    return water_properties(t).aphi


@lru_cache(maxsize=256)
def _aphi_at(temperature: float) -> float:
    return float(water_properties(temperature).aphi)
