"""Compiled kernels of the native backend: the Pitzer model and Newton's method, one solution at
a time, looping over the rows of a batch (numba, compiled on first use and cached on disk).

The numpy implementation in :mod:`brineworks.chemistry.pitzer` stays the readable reference of
the activity model; these kernels compute the same sums in the same way (the tests hold them to
1e-12) without the per-call overhead of many small array operations, so that one brine costs
microseconds rather than milliseconds. The solver kernels are line-for-line ports of the
vectorised Newton of :mod:`brineworks.chemistry.newton` with the residuals and Jacobians of
:mod:`brineworks.chemistry.native`: the same equations, scalings, difference step, step limit and
convergence tests, so the answers are those of the numpy solver to rounding.

Model arguments are plain tuples of arrays (numba types them once):

* ``static`` — (z, salt_i, salt_j, salt_k, alphas, salt_cden, like_i, like_j, like_zz,
  like_cols, like_uneq, products, n_i, n_j, t_i, t_j, t_k, use_etheta): species charges and the
  index lists of the parameter kinds, from :meth:`PitzerModel.compiled`;
* ``tpar`` — (b0, b1, b2, cphi, theta, lam, psi, aphi): the parameters at each row's temperature,
  shape (N, P) (aphi (N,)), from :meth:`PitzerModel.parameters_at`;
* ``jt`` — the J(x) table of :func:`brineworks.chemistry.pitzer.unsymmetric_j`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

__all__ = [
    "activity_rows",
    "equilibria_newton",
    "macinnes_rows",
    "matmul",
    "rows_product",
    "speciation_newton",
]

_B_DH = 1.2
_M_WATER = 1.0 / 55.50837
_LN10 = math.log(10.0)
_MAX_STEP = 2.0
_FD_STEP = 1e-7


# ------------------------------------------------------------------------------ Pitzer
@njit(cache=True)
def _j_of(x: float, jt: Any) -> tuple[float, float]:  # pragma: no cover - compiled
    """J(x) and J'(x) by cubic Hermite interpolation in ln x (as ``pitzer.unsymmetric_j``)."""
    if not x > 0.0:
        return 0.0, 0.0
    s_tab, x_tab, j_tab, jp_tab, jpp_tab = jt
    n = len(s_tab)
    lo, hi = x_tab[0], x_tab[n - 1]
    s = math.log(min(max(x, lo), hi))
    h = s_tab[1] - s_tab[0]
    i = int((s - s_tab[0]) / h)
    i = min(max(i, 0), n - 2)
    t = (s - s_tab[i]) / h
    t2 = t * t
    t3 = t2 * t
    h00 = 2 * t3 - 3 * t2 + 1
    h10 = t3 - 2 * t2 + t
    h01 = -2 * t3 + 3 * t2
    h11 = t3 - t2
    xi0, xi1 = x_tab[i], x_tab[i + 1]
    j = (
        h00 * j_tab[i]
        + h10 * h * (xi0 * jp_tab[i])
        + h01 * j_tab[i + 1]
        + h11 * h * (xi1 * jp_tab[i + 1])
    )
    jp = (
        h00 * jp_tab[i]
        + h10 * h * (xi0 * jpp_tab[i])
        + h01 * jp_tab[i + 1]
        + h11 * h * (xi1 * jpp_tab[i + 1])
    )
    return j, jp


@njit(cache=True)
def _activity(
    m: Any, static: Any, tpar: Any, r: int, jt: Any, lng: Any
) -> tuple[float, float]:  # pragma: no cover - compiled
    """ln γ of every species into ``lng``; returns (ln a_w, ionic strength) of one solution."""
    (z, salt_i, salt_j, salt_k, alphas, salt_cden, like_i, like_j, like_zz, like_cols,
     like_uneq, products, n_i, n_j, t_i, t_j, t_k, use_etheta) = static  # fmt: skip
    b0, b1, b2, cphi, theta, lam, psi, aphi_all = tpar
    aphi = aphi_all[r]
    n_s = len(z)
    ionic = 0.0
    big_z = 0.0
    total = 0.0
    for s in range(n_s):
        ionic += m[s] * (z[s] * z[s])
        big_z += m[s] * abs(z[s])
        total += m[s]
        lng[s] = 0.0
    ionic *= 0.5
    sqrt_i = math.sqrt(ionic)
    b = _B_DH
    f_total = -aphi * (sqrt_i / (1 + b * sqrt_i) + (2 / b) * math.log1p(b * sqrt_i))
    osm = -aphi * ionic**1.5 / (1 + b * sqrt_i)
    sum_mmc = 0.0

    # cation-anion pairs; g(x), g'(x) and e^-x once per distinct α (x = α√I)
    n_a = len(alphas)
    ga = np.empty((n_a, 3))
    for k in range(n_a):
        x = alphas[k] * sqrt_i
        e = math.exp(-x)
        if x > 1e-8:
            ga[k, 0] = 2.0 * (1.0 - (1.0 + x) * e) / (x * x)
            ga[k, 1] = -2.0 * (1.0 - (1.0 + x + 0.5 * x * x) * e) / (x * x)
        else:
            ga[k, 0] = 1.0 - 2.0 * x / 3.0
            ga[k, 1] = -x / 3.0
        ga[k, 2] = e
    for p in range(len(salt_i)):
        c = salt_i[p]
        a = salt_j[p]
        k1 = salt_k[p, 0]
        k2 = salt_k[p, 1]
        g1, g1p, e1 = ga[k1, 0], ga[k1, 1], ga[k1, 2]
        g2, g2p, e2 = ga[k2, 0], ga[k2, 1], ga[k2, 2]
        bb = b0[r, p] + b1[r, p] * g1 + b2[r, p] * g2
        bprime = (b1[r, p] * g1p + b2[r, p] * g2p) / ionic if ionic > 0 else 0.0
        bphi = b0[r, p] + b1[r, p] * e1 + b2[r, p] * e2
        cc = cphi[r, p] / salt_cden[p]
        mm = m[c] * m[a]
        f_total += mm * bprime
        contrib = 2 * bb + big_z * cc
        lng[c] += m[a] * contrib
        lng[a] += m[c] * contrib
        sum_mmc += mm * cc
        osm += mm * (bphi + big_z * cc)

    # like-charged pairs: Φ = θ + Eθ
    n_like = len(like_i)
    if n_like:
        n_u = len(products)
        jv = np.zeros(n_u)
        xjp = np.zeros(n_u)
        ok = ionic > 0
        ii = ionic if ok else 1.0
        if use_etheta and ok:
            for u in range(n_u):
                x = 6.0 * aphi * math.sqrt(ii) * products[u]
                j, jp = _j_of(x, jt)
                jv[u] = j
                xjp[u] = x * jp
        for p in range(n_like):
            i = like_i[p]
            k = like_j[p]
            et = 0.0
            etp = 0.0
            if use_etheta and ok and like_uneq[p]:
                zz = like_zz[p]
                c0, c1, c2 = like_cols[p, 0], like_cols[p, 1], like_cols[p, 2]
                et = zz / (4 * ii) * (jv[c0] - 0.5 * jv[c1] - 0.5 * jv[c2])
                etp = -et / ii + zz / (8 * ii * ii) * (xjp[c0] - 0.5 * xjp[c1] - 0.5 * xjp[c2])
            phi = theta[r, p] + et
            mm = m[i] * m[k]
            f_total += mm * etp
            lng[i] += 2 * m[k] * phi
            lng[k] += 2 * m[i] * phi
            osm += mm * (phi + ionic * etp)

    # neutral species: λ
    for p in range(len(n_i)):
        a = n_i[p]
        c = n_j[p]
        lv = lam[r, p]
        lng[a] += 2 * m[c] * lv
        if a != c:
            lng[c] += 2 * m[a] * lv
            osm += m[a] * m[c] * lv
        else:
            osm += m[a] * m[c] * lv * 0.5

    # triples: ψ, ζ, η, μ
    for p in range(len(t_i)):
        a = t_i[p]
        c = t_j[p]
        k = t_k[p]
        pv = psi[r, p]
        lng[a] += m[c] * m[k] * pv
        lng[c] += m[a] * m[k] * pv
        lng[k] += m[a] * m[c] * pv
        osm += m[a] * m[c] * m[k] * pv

    for s in range(n_s):
        lng[s] += (z[s] * z[s]) * f_total + abs(z[s]) * sum_mmc
    phi_osm = 1.0 + 2.0 * osm / total if total > 0 else 1.0
    return -phi_osm * total * _M_WATER, ionic


@njit(cache=True)
def activity_rows(
    m: Any, static: Any, tpar: Any, jt: Any
) -> tuple[Any, Any, Any]:  # pragma: no cover
    """ln γ (N, S), ln a_w (N,) and ionic strength (N,) of N solutions."""
    n, n_s = m.shape
    lng = np.zeros((n, n_s))
    ln_aw = np.zeros(n)
    ionic = np.zeros(n)
    for r in range(n):
        ln_aw[r], ionic[r] = _activity(m[r], static, tpar, r, jt, lng[r])
    return lng, ln_aw, ionic


@njit(cache=True)
def _shift(
    ionic: float, m: Any, lng: Any, r: int, mac: Any, jt: Any, scratch: Any
) -> float:  # pragma: no cover - compiled
    """MacInnes δ of one solution: mean ln γ±(KCl) at its ionic strength − ln γ(Cl-)."""
    use, cl_index, kcl_static, kcl_tpar, cl_static, cl_tpar = mac
    if not use:
        return 0.0
    kcl_m = np.empty(2)
    kcl_m[0] = ionic
    kcl_m[1] = ionic
    kcl_g = np.empty(2)
    _activity(kcl_m, kcl_static, kcl_tpar, r, jt, kcl_g)
    mean = 0.5 * (kcl_g[0] + kcl_g[1])
    if cl_index >= 0:
        return mean - lng[cl_index]
    n_s = len(m)
    for s in range(n_s):
        scratch[s] = m[s]
    scratch[n_s] = 0.0
    padded_g = np.empty(n_s + 1)
    _activity(scratch[: n_s + 1], cl_static, cl_tpar, r, jt, padded_g)
    return mean - padded_g[n_s]


@njit(cache=True)
def macinnes_rows(
    ionic: Any, m: Any, lng: Any, mac: Any, jt: Any
) -> Any:  # pragma: no cover - compiled
    """MacInnes δ of each solution (see ``NativeBackend._macinnes_shift``)."""
    n, n_s = m.shape
    out = np.zeros(n)
    scratch = np.zeros(n_s + 1)
    for r in range(n):
        out[r] = _shift(ionic[r], m[r], lng[r], r, mac, jt, scratch)
    return out


# ------------------------------------------------------------------------------ linear algebra
@njit(cache=True)
def _gauss(a: Any, b: Any, x: Any) -> bool:  # pragma: no cover - compiled
    """x with a x = b by Gaussian elimination with partial pivoting (LAPACK's dgesv order);
    False (x undefined) where a pivot is exactly zero."""
    n = len(b)
    lu = a.copy()
    for k in range(n):
        x[k] = b[k]
    for k in range(n):
        piv = k
        big = abs(lu[k, k])
        for i in range(k + 1, n):
            if abs(lu[i, k]) > big:
                big = abs(lu[i, k])
                piv = i
        if big == 0.0:
            return False
        if piv != k:
            for j in range(n):
                tmp = lu[k, j]
                lu[k, j] = lu[piv, j]
                lu[piv, j] = tmp
            tmp = x[k]
            x[k] = x[piv]
            x[piv] = tmp
        inv = 1.0 / lu[k, k]
        for i in range(k + 1, n):
            f = lu[i, k] * inv
            if f != 0.0:
                lu[i, k] = f
                for j in range(k + 1, n):
                    lu[i, j] -= f * lu[k, j]
                x[i] -= f * x[k]
    for i in range(n - 1, -1, -1):
        acc = x[i]
        for j in range(i + 1, n):
            acc -= lu[i, j] * x[j]
        x[i] = acc / lu[i, i]
    return True


@njit(cache=True)
def _solve(a: Any, b: Any) -> Any:  # pragma: no cover - compiled
    """x with a x = b (see ``_gauss``). Where a pivot is exactly zero (numpy's solve raises
    there and the numpy solver took a least-squares step), a least-squares step by iterated
    Tikhonov regularisation ((aᵀa + λI) δ = aᵀ(b − a x), λ = 1e-8 max diag(aᵀa), 8 times):
    numpy's minimum-norm least-squares step to ~1e-8, without LAPACK (numba's
    lstsq doubled the compile time). NaN where a is not finite (the step then counts as
    zero)."""
    n = len(b)
    x = np.empty(n)
    for i in range(n):
        for j in range(n):
            if not math.isfinite(a[i, j]):
                for k in range(n):
                    x[k] = math.nan
                return x
    if _gauss(a, b, x):
        return x
    ata = np.zeros((n, n))
    for i in range(n):
        for k in range(n):
            for j in range(n):
                ata[i, j] += a[k, i] * a[k, j]
    big = 0.0
    for i in range(n):
        big = max(big, ata[i, i])
    if big == 0.0:
        for k in range(n):
            x[k] = 0.0
        return x
    for i in range(n):
        ata[i, i] += 1e-8 * big
    for k in range(n):
        x[k] = 0.0
    dx = np.zeros(n)
    r = np.zeros(n)
    for _ in range(8):  # iterated Tikhonov: converges to the minimum-norm solution
        for i in range(n):
            acc = 0.0
            for k in range(n):
                acc += a[k, i] * (b[k] - _row_dot(a, k, x))
            r[i] = acc
        if not _gauss(ata, r, dx):
            break
        for k in range(n):
            x[k] += dx[k]
    return x


@njit(cache=True)
def _row_dot(a: Any, k: int, x: Any) -> float:  # pragma: no cover - compiled
    acc = 0.0
    for j in range(len(x)):
        acc += a[k, j] * x[j]
    return acc


@njit(cache=True)
def _limit_step(step: Any) -> None:  # pragma: no cover - compiled
    """nan_to_num, then scale the step so no unknown changes by more than MAX_STEP."""
    biggest = 0.0
    for k in range(len(step)):
        v = step[k]
        if math.isnan(v):
            v = 0.0
        elif v == math.inf:
            v = 1.7976931348623157e308
        elif v == -math.inf:
            v = -1.7976931348623157e308
        step[k] = v
        if abs(v) > biggest:
            biggest = abs(v)
    scale = min(1.0, _MAX_STEP / max(biggest, 1e-300))
    for k in range(len(step)):
        step[k] *= scale


@njit(cache=True)
def _max_abs(v: Any) -> float:  # pragma: no cover - compiled
    """Largest |v|, NaN if any entry is NaN (as numpy's max)."""
    out = 0.0
    for k in range(len(v)):
        a = abs(v[k])
        if math.isnan(a):
            return math.nan
        if a > out:
            out = a
    return out


# ------------------------------------------------------------------------------ speciation
@njit(cache=True, inline="always")
def _speciation_residual(
    u: Any,
    r: int,
    sysarr: Any,
    static: Any,
    tpar: Any,
    jt: Any,
    mac: Any,
    ln_k: Any,
    totals: Any,
    fixed: Any,
    ph: Any,
    res: Any,
    m: Any,
    lng: Any,
    scratch: Any,
) -> tuple[float, float]:  # pragma: no cover - compiled
    element_matrix, z, nu, nu_w = sysarr
    n_el, n_s = element_matrix.shape
    nb = nu.shape[1]
    for s in range(n_s):
        m[s] = math.exp(min(max(u[s], -600.0), 50.0))
    ln_aw, ionic = _activity(m, static, tpar, r, jt, lng)
    for e in range(n_el):
        acc = 0.0
        for s in range(n_s):
            acc += m[s] * element_matrix[e, s]
        res[e] = acc / totals[r, e] - 1.0
    scale = 0.0
    charge = 0.0
    for s in range(n_s):
        scale += m[s] * abs(z[s])
        charge += m[s] * z[s]
    res[n_el] = charge / scale
    if fixed[r]:
        delta = _shift(ionic, m, lng, r, mac, jt, scratch)
        res[n_el] = (u[nb - 1] + lng[nb - 1]) - (-ph[r] * _LN10 + delta)
    for s in range(nb, n_s):
        pred = ln_k[r, s]
        for b in range(nb):
            pred += (u[b] + lng[b]) * nu[s, b]
        pred += ln_aw * nu_w[s]
        res[s] = (u[s] + lng[s]) - pred
    return ln_aw, ionic


@njit(cache=True)
def speciation_newton(
    u0: Any,
    sysarr: Any,
    static: Any,
    tpar: Any,
    jt: Any,
    mac: Any,
    ln_k: Any,
    totals: Any,
    fixed: Any,
    ph: Any,
    max_iter: int,
    warm: bool,
) -> tuple[Any, Any, Any, Any, Any, Any]:  # pragma: no cover - compiled
    """Newton on ln m of every species of each solution, activity coefficients held at each
    iterate (the exact Jacobian of ``NativeBackend._solve_speciation``). The mass-action rows
    are eliminated, so each step solves a system of the basis' size.

    With ``warm``, a row close to the one before it (every element total within a factor 2,
    the same pH condition) starts from that row's solution — its master species shifted by the
    ratio of the totals, the complexes by mass action with its activity coefficients at this
    row's temperature — instead of from ``u0``; if that start does not converge, ``u0`` is
    used. A converged row satisfies the same equations to the same tolerance either way.

    Returns u (N, S), m, ln γ, ln a_w, ionic strength and the converged flags.
    """
    element_matrix, _, nu, nu_w = sysarr
    n, n_s = u0.shape
    n_el = element_matrix.shape[0]
    nb = nu.shape[1]
    u_out = u0.copy()
    m_out = np.zeros((n, n_s))
    lng_out = np.zeros((n, n_s))
    aw_out = np.zeros(n)
    i_out = np.zeros(n)
    ok = np.zeros(n, dtype=np.bool_)
    work = (np.zeros(n_s), np.zeros(n_s), np.zeros(n_s), np.zeros(n_s + 1), np.zeros((nb, n_s)),
            np.zeros((nb, nb)), np.zeros(nb), np.zeros(n_s))  # fmt: skip
    m, lng = work[1], work[2]
    for r in range(n):
        u = u_out[r]
        from_warm = warm and r > 0 and ok[r - 1] and fixed[r] == fixed[r - 1]
        if from_warm:
            for e in range(n_el):
                if not abs(math.log(totals[r, e] / totals[r - 1, e])) <= 0.7:
                    from_warm = False
        if from_warm:
            from_warm = _warm_start(
                u, r, u_out[r - 1], lng_out[r - 1], aw_out[r - 1], totals, ln_k, nu, nu_w
            )
        converged, ln_aw, ionic = _speciation_solve(
            u, r, sysarr, static, tpar, jt, mac, ln_k, totals, fixed, ph, max_iter, work
        )
        if from_warm and not converged:
            for s in range(n_s):
                u[s] = u0[r, s]
            converged, ln_aw, ionic = _speciation_solve(
                u, r, sysarr, static, tpar, jt, mac, ln_k, totals, fixed, ph, max_iter, work
            )
        ok[r] = converged
        for s in range(n_s):
            m_out[r, s] = m[s]
            lng_out[r, s] = lng[s]
        aw_out[r] = ln_aw
        i_out[r] = ionic
    return u_out, m_out, lng_out, aw_out, i_out, ok


@njit(cache=True)
def _warm_start(
    u: Any,
    r: int,
    u_prev: Any,
    lng_prev: Any,
    aw_prev: float,
    totals: Any,
    ln_k: Any,
    nu: Any,
    nu_w: Any,
) -> bool:  # pragma: no cover - compiled
    """Start row ``r`` from the solution of row r − 1 (see ``speciation_newton``)."""
    n_s, nb = nu.shape
    n_el = totals.shape[1]
    for b in range(nb):
        u[b] = u_prev[b]
    for e in range(n_el):
        u[e] += math.log(totals[r, e] / totals[r - 1, e])
    for s in range(nb, n_s):
        acc = ln_k[r, s] + aw_prev * nu_w[s] - lng_prev[s]
        for b in range(nb):
            acc += (u[b] + lng_prev[b]) * nu[s, b]
        u[s] = acc
    for s in range(n_s):
        if not math.isfinite(u[s]):
            return False
        u[s] = min(max(u[s], -600.0), 50.0)
    return True


@njit(cache=True)
def _speciation_solve(
    u: Any,
    r: int,
    sysarr: Any,
    static: Any,
    tpar: Any,
    jt: Any,
    mac: Any,
    ln_k: Any,
    totals: Any,
    fixed: Any,
    ph: Any,
    max_iter: int,
    work: Any,
) -> tuple[bool, float, float]:  # pragma: no cover - compiled
    """Newton for one row from ``u`` (updated in place; m and ln γ left in ``work``):
    converged, ln a_w, ionic strength."""
    element_matrix, z, nu, _ = sysarr
    n_el, n_s = element_matrix.shape
    nb = nu.shape[1]
    res, m, lng, scratch, top, red, rhs, step = work
    ln_aw, ionic = _speciation_residual(
        u, r, sysarr, static, tpar, jt, mac, ln_k, totals, fixed, ph, res, m, lng, scratch
    )
    for _ in range(max_iter):
        err = _max_abs(res)
        if err <= 1e-12:
            break
        # exact rows: balances and electroneutrality (or the pH)
        scale = 0.0
        for s in range(n_s):
            scale += m[s] * abs(z[s])
        for e in range(n_el):
            for s in range(n_s):
                top[e, s] = m[s] * element_matrix[e, s] / totals[r, e]
        if fixed[r]:
            for s in range(n_s):
                top[n_el, s] = 0.0
            top[n_el, nb - 1] = 1.0
        else:
            for s in range(n_s):
                top[n_el, s] = m[s] * z[s] / scale
        # δ_s = ν_s·δ_b − r_s for the secondary species: the basis system
        for i in range(nb):
            acc = -res[i]
            for s in range(nb, n_s):
                acc += top[i, s] * res[s]
            rhs[i] = acc
            for b in range(nb):
                v = top[i, b]
                for s in range(nb, n_s):
                    v += top[i, s] * nu[s, b]
                red[i, b] = v
        db = _solve(red, rhs)
        for b in range(nb):
            step[b] = db[b]
        for s in range(nb, n_s):
            acc = -res[s]
            for b in range(nb):
                acc += nu[s, b] * db[b]
            step[s] = acc
        _limit_step(step)
        for s in range(n_s):
            u[s] += step[s]
        ln_aw, ionic = _speciation_residual(
            u, r, sysarr, static, tpar, jt, mac, ln_k, totals, fixed, ph, res, m, lng, scratch
        )
    return _max_abs(res) <= 1e-10, ln_aw, ionic


# ------------------------------------------------------------------------------ equilibria
@njit(cache=True)
def _equilibria_residual(
    u: Any,
    g: int,
    loc: int,
    sysarr: Any,
    static: Any,
    tpar: Any,
    jt: Any,
    mac: Any,
    prob: Any,
    active: Any,
    held: Any,
    lam: float,
    res: Any,
    m: Any,
    lng: Any,
    scratch: Any,
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """Residual of one solution (row ``g`` of the problem, ``loc`` of the active sets);
    returns ln a_w, ionic strength and the mass of water."""
    element_matrix, z, nu, nu_w = sysarr
    ln_k, ln_k_p, el_p, h2o, nu_p, nu_pw, dissolved, available, ph = prob
    n_el, n_s = element_matrix.shape
    nb = nu.shape[1]
    n_p = len(h2o)
    water = 0.0
    for p in range(n_p):
        water += u[n_s + p] * h2o[p]
    water = 1.0 - _M_WATER * water
    total = 0.0
    for s in range(n_s):
        m[s] = math.exp(min(max(u[s], -600.0), 50.0))
        total += m[s]
    ln_aw, ionic = _activity(m, static, tpar, g, jt, lng)
    if lam < 1.0:
        ideal = -_M_WATER * total
        for s in range(n_s):
            lng[s] = lam * lng[s]
        ln_aw = ideal + lam * (ln_aw - ideal)
    for e in range(n_el):
        acc = 0.0
        for s in range(n_s):
            acc += m[s] * element_matrix[e, s]
        acc = acc * water
        for p in range(n_p):
            acc += u[n_s + p] * el_p[p, e]
        res[e] = (acc - dissolved[g, e]) / available[g, e]
    scale = 0.0
    charge = 0.0
    for s in range(n_s):
        scale += m[s] * abs(z[s])
        charge += m[s] * z[s]
    res[n_el] = charge / scale
    if math.isfinite(ph[g]):
        delta = _shift(ionic, m, lng, g, mac, jt, scratch)
        res[n_el] = (u[nb - 1] + lng[nb - 1]) - (-ph[g] * _LN10 + delta)
    for s in range(nb, n_s):
        acc = 0.0
        for b in range(nb):
            acc += (u[b] + lng[b]) * nu[s, b]
        pred = ln_k[g, s] + acc
        pred += ln_aw * nu_w[s]
        res[s] = (u[s] + lng[s]) - pred
    for p in range(n_p):
        if active[loc, p]:
            acc = 0.0
            for s in range(n_s):
                acc += (u[s] + lng[s]) * nu_p[p, s]
            acc += ln_aw * nu_pw[p]
            res[n_s + p] = ((acc - ln_k_p[g, p]) / _LN10) * _LN10
        else:
            res[n_s + p] = u[n_s + p] - held[loc, p]
    return ln_aw, ionic, water


@njit(cache=True)
def equilibria_newton(
    rows: Any,
    u0: Any,
    active: Any,
    held: Any,
    sysarr: Any,
    static: Any,
    tpar: Any,
    jt: Any,
    mac: Any,
    prob: Any,
    lam: float,
    max_iter: int,
) -> tuple[Any, Any, Any, Any, Any, Any, Any]:  # pragma: no cover - compiled
    """Newton for the equilibria of ``rows`` with their active sets (``_Equilibria.solve``):
    exact rows for the balances and electroneutrality, forward differences in the ln m columns
    for the mass-action and SI rows.

    Returns u (n, S + P), m, ln γ, ln a_w, ionic strength, water and the converged flags.
    """
    element_matrix, z, nu, _ = sysarr
    _, _, el_p, h2o, _, _, _, available, ph = prob
    n, dim = u0.shape
    n_el, n_s = element_matrix.shape
    nb = nu.shape[1]
    n_p = dim - n_s
    u_out = u0.copy()
    m_out = np.zeros((n, n_s))
    lng_out = np.zeros((n, n_s))
    aw_out = np.zeros(n)
    i_out = np.zeros(n)
    w_out = np.zeros(n)
    ok = np.zeros(n, dtype=np.bool_)
    res = np.zeros(dim)
    pres = np.zeros(dim)
    m = np.zeros(n_s)
    lng = np.zeros(n_s)
    pm = np.zeros(n_s)
    plng = np.zeros(n_s)
    scratch = np.zeros(n_s + 1)
    jac = np.zeros((dim, dim))
    up = np.zeros(dim)
    rhs = np.zeros(dim)
    for loc in range(n):
        g = rows[loc]
        u = u_out[loc]
        ln_aw, ionic, water = _equilibria_residual(
            u,
            g,
            loc,
            sysarr,
            static,
            tpar,
            jt,
            mac,
            prob,
            active,
            held,
            lam,
            res,
            m,
            lng,
            scratch,
        )
        for _ in range(max_iter):
            err = _max_abs(res)
            if err <= 1e-12:
                break
            jac[:, :] = 0.0
            for p in range(n_p):
                jac[n_s + p, n_s + p] = 0.0 if active[loc, p] else 1.0
            for e in range(n_el):
                per_kg = 0.0
                for s in range(n_s):
                    per_kg += m[s] * element_matrix[e, s]
                inv = 1.0 / available[g, e]
                for s in range(n_s):
                    jac[e, s] = water * m[s] * element_matrix[e, s] * inv
                for p in range(n_p):
                    jac[e, n_s + p] = (el_p[p, e] - _M_WATER * per_kg * h2o[p]) * inv
            if math.isfinite(ph[g]):
                for c in range(dim):
                    jac[n_el, c] = 0.0
                jac[n_el, nb - 1] = 1.0
            else:
                scale = 0.0
                for s in range(n_s):
                    scale += m[s] * abs(z[s])
                for s in range(n_s):
                    jac[n_el, s] = m[s] * z[s] / scale
            # forward differences of the other rows in the ln m columns
            for c in range(n_s):
                for k in range(dim):
                    up[k] = u[k]
                up[c] += _FD_STEP
                _equilibria_residual(
                    up,
                    g,
                    loc,
                    sysarr,
                    static,
                    tpar,
                    jt,
                    mac,
                    prob,
                    active,
                    held,
                    lam,
                    pres,
                    pm,
                    plng,
                    scratch,
                )
                for k in range(nb, dim):
                    jac[k, c] = (pres[k] - res[k]) / _FD_STEP
            for k in range(dim):
                rhs[k] = -res[k]
            step = _solve(jac, rhs)
            _limit_step(step)
            for k in range(dim):
                u[k] += step[k]
            ln_aw, ionic, water = _equilibria_residual(
                u,
                g,
                loc,
                sysarr,
                static,
                tpar,
                jt,
                mac,
                prob,
                active,
                held,
                lam,
                res,
                m,
                lng,
                scratch,
            )
        ok[loc] = _max_abs(res) <= 1e-10
        for s in range(n_s):
            m_out[loc, s] = m[s]
            lng_out[loc, s] = lng[s]
        aw_out[loc] = ln_aw
        i_out[loc] = ionic
        w_out[loc] = water
    return u_out, m_out, lng_out, aw_out, i_out, w_out, ok


# ------------------------------------------------------------------------------ starting point
@njit(cache=True)
def initial_rows(
    totals: Any, ln_k: Any, ph: Any, element_matrix: Any, nu: Any
) -> Any:  # pragma: no cover - compiled
    """ln m of every species to start Newton from: an ideal solution at the given pH
    (``native._initial_guess`` then ``native._ideal_secondary``).

    Each master species takes its element's total, less what its complexes with H+ alone
    (HCO3-, CO2, B(OH)4- …) would take at that pH; the complexes follow by mass action with
    γ = a_w = 1, clipped to −600 … 50.
    """
    n, n_el = totals.shape
    n_s, nb = nu.shape
    out = np.zeros((n, n_s))
    x = np.zeros(nb)
    for r in range(n):
        x[nb - 1] = -ph[r] * _LN10
        for e in range(n_el):
            share = 1.0
            for s in range(nb, n_s):
                if nu[s, e] != 1.0 or element_matrix[e, s] != 1.0:
                    continue
                alone = True
                for b in range(nb - 1):
                    if b != e and nu[s, b] != 0:
                        alone = False
                        break
                if alone:
                    share += math.exp(
                        min(max(ln_k[r, s] + nu[s, nb - 1] * x[nb - 1], -300.0), 300.0)
                    )
            x[e] = math.log(totals[r, e] / element_matrix[e, e] / share)
        for b in range(nb):
            out[r, b] = min(max(x[b], -600.0), 50.0)
        for s in range(nb, n_s):
            acc = 0.0
            for b in range(nb):
                acc += x[b] * nu[s, b]
            out[r, s] = min(max(ln_k[r, s] + acc, -600.0), 50.0)
    return out


# ------------------------------------------------------------------------------ products
@njit(cache=True)
def matmul(a: Any, b: Any) -> Any:  # pragma: no cover - compiled
    """a @ b for a (N, K) and b (K, P), in one thread, each sum taken over k in order.

    For the batch arrays of the native backend (N brines by a few dozen columns), where a
    threaded BLAS costs more in starting and waiting for its threads than the product itself,
    and would make the batch's time depend on other work on the machine.
    """
    n, k_dim = a.shape
    p_dim = b.shape[1]
    out = np.zeros((n, p_dim))
    for i in range(n):
        for p in range(p_dim):
            acc = 0.0
            for k in range(k_dim):
                acc += a[i, k] * b[k, p]
            out[i, p] = acc
    return out


ROWS_IN_ONE_THREAD = 64
"""Batches of at least this many rows take :func:`matmul` in :func:`rows_product`."""


def rows_product(a: Any, b: Any) -> Any:
    """``a @ b`` for a batch of rows ``a`` (N, K) and ``b`` (K, P) or (K,): from N =
    ROWS_IN_ONE_THREAD rows in one thread (:func:`matmul`), below with numpy's ``@``, so that
    one brine's numbers stay those of numpy."""
    if len(a) < ROWS_IN_ONE_THREAD:
        return a @ b
    vector = np.ndim(b) == 1
    out = matmul(
        np.ascontiguousarray(a, dtype=np.float64),
        np.ascontiguousarray(np.reshape(b, (len(b), -1)), dtype=np.float64),
    )
    return out[:, 0] if vector else out


# ------------------------------------------------------------------------------ J(x) table
@njit(cache=True)
def j_integrals(x: Any, y: Any, w: Any) -> tuple[Any, Any, Any]:  # pragma: no cover - compiled
    """∫ f y² dy, ∫ g y² dy and ∫ h y² dy on the quadrature nodes ``y`` with weights ``w`` for
    each x (the sums of ``pitzer._j_quadrature``: f = 1 + q + q²/2 − e^q, g = q + q² − q e^q,
    h = q (1 + 2q − e^q − q e^q), q = −(x/y) e^−y, their series where |q| < 1e-3)."""
    n = len(x)
    k0 = np.zeros(n)
    k1 = np.zeros(n)
    k2 = np.zeros(n)
    ey = np.exp(-y)
    for i in range(n):
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        for k in range(len(y)):
            q = -(x[i] / y[k]) * ey[k]
            q2 = q * q
            q3 = q2 * q
            if abs(q) < 1e-3:
                f = -q3 * (1 / 6 + q / 24 + q2 / 120)
                g = -q3 * (0.5 + q / 6 + q2 / 24)
                h = -q3 * (1.5 + q * 2 / 3 + q2 * 5 / 24)
            else:
                eq = math.exp(max(q, -700.0))
                f = 1 + q + 0.5 * q2 - eq
                g = q + q2 - q * eq
                h = q * (1 + 2 * q - eq - q * eq)
            a0 += f * w[k]
            a1 += g * w[k]
            a2 += h * w[k]
        k0[i] = a0
        k1[i] = a1
        k2[i] = a2
    return k0, k1, k2
