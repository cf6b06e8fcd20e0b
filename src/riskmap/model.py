"""The count model: expected incidents per village and TPS in a stage window, classes, reasons.

How a stage is scored (:func:`score_stage`)
-------------------------------------------
0. *Which windows* (:func:`select_windows`): the ``past_windows`` given (region.yaml's
   ``past_elections``, or the built-in KPU calendars of :mod:`riskmap.calendars`); when they give
   too few training windows, the current ``calendar`` shifted back by whole cycles
   (:func:`rolling_windows`, the cycle chosen by :func:`rolling_period`).
1. *Training data* (rolling origins): every earlier stage window that started before the
   stage's start and has at least ``min_history_elections`` elections before it (so that its
   features have a history to show) gives one row per village: the features as of the window's
   start (:func:`riskmap.features.features_as_of`) and the number of incidents inside the
   window, cut strictly before the stage's start. All stages are pooled (the village-level
   effects are shared; each stage has its own intercept) because a single stage of a few past
   elections gives too few rows; the window length enters as the offset ``log(window days)``
   plus, with ``window_length_elasticity``, a ridge-penalised term ``b_days (log days - mean)``.
2. *Poisson GLM* (``poisson_glm``): ``log E[y] = log(days) + b_0 + b_stage + sum_k b_k z_k``,
   ``z_k`` the standardised (mostly ``log1p``) features, ridge penalty ``alpha`` on the ``b_k``,
   fitted by Newton's method (deterministic). The stage's total is then calibrated to its
   training windows (:func:`stage_factors`) and to the latest election's level
   (:func:`level_factor`); a stage whose windows held no incident gets the pooled rate (a
   region-wide prior). The map's contrasts are then shrunk by the cross-validated slope of
   :func:`dispersion_slope` (leave one training election out; expected incidents per km2
   raised to a power in [0, 1], totals and ranking per km2 kept), so that the top villages of a
   fit on a thin history do not promise more incidents than they see. With fewer than
   ``min_training_windows`` windows or
   ``min_training_incidents`` incidents the model falls back to the calibrated *weighted index*
   (``weighted_index``: last year's and the previous same stage's counts blended with an IKP
   style index, the counts smoothed towards the index with one pseudo-incident per village,
   :func:`fallback_shares`; total from :func:`fallback_total`). ``model_info``
   says which was used and why.
3. *Venue crowds* (``venue_effect: additive``, the default): the crowd exposure of the venues
   active in the window adds incidents rather than multiplying them,
   ``E[y] = days exp(b_0 + b_stage + sum_k b_k z_k) + g_stage x venue``, with one rate
   ``g_stage >= 0`` per stage (a rally in a quiet village adds about as many incidents as one in
   a hot village). Fitted jointly by Fisher scoring. ``multiplicative`` puts ``log1p(venue)``
   among the ``z_k`` instead. The GLM's intercept makes expected and observed totals agree on
   the training windows (calibration in the large); the backtest reports it per class.
4. ``risk_score`` = ``100 * log1p(mu / m) / log1p(max mu / m)`` with ``m`` the mean expected count
   of the villages (a monotone, scaled log of ``expected_incidents``; 0 when nothing is expected).
   Classes follow from the rule in the ``classes`` section (:func:`assign_classes`; the default
   ``history`` thresholds come from :func:`history_thresholds`).
5. *TPS*: a village's expected count is split among its TPS in proportion to
   ``(voters + 1) * ((1 - w) + w * local)``, ``local`` the TPS's near-repeat and venue exposure
   relative to its village's mean (``w`` = ``tps_local_weight``).
6. *Venues*: the part of a village's expected count due to the venue term (``g_stage x venue``;
   multiplicative: ``mu (1 - exp(-b_venue (z - z_0)))``, ``z_0`` the value with no venue) is
   shared among the active venues by their exposure; summed per venue it is the venue's
   ``expected_incidents``.
7. ``top_factors``: the village's positive contributions ``b_k (z_vk - mean_k z_k)`` (GLM; the
   additive venue term takes its share ``g venue / mu`` of the total) or
   ``weight_k x (indicator_vk - mean_k indicator)`` (index), as shares, in Bahasa Indonesia; a
   phrase follows the sign of the contribution (high value raising risk, or low value).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from riskmap import backtest as bt
from riskmap.config import section_defaults
from riskmap.factors import top_factors_text, tps_notes
from riskmap.features import (
    Region,
    WindowFeatures,
    content_key,
    feature_settings,
    features_as_of,
    incident_counts,
    prepare_region,
    window_days,
)

STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")

#: Defaults of the ``model:`` section, from its schema (the single source of defaults).
MODEL_DEFAULTS: dict = section_defaults("model")

#: Defaults of the ``classes:`` section, from its schema (the single source of defaults).
CLASS_DEFAULTS: dict = section_defaults("classes")

BASE_TERMS = ("past_elections", "same_stage", "near_repeat", "venue", "voters", "tps_per_km2",
              "hard_to_reach", "police_km", "close_contest", "area_km2")
LINEAR_TERMS = ("hard_to_reach", "close_contest")
LOG_TERMS = ("area_km2",)


def model_settings(model: Mapping | None) -> dict:
    """Return the model section with defaults filled in."""
    out = dict(MODEL_DEFAULTS)
    out["index_weights"] = dict(MODEL_DEFAULTS["index_weights"])
    for key, value in (model or {}).items():
        if key == "index_weights":
            out[key].update(value or {})
        else:
            out[key] = value
    return out


def class_settings(classes: Mapping | None) -> dict:
    """Return the classes section with defaults filled in."""
    return {**CLASS_DEFAULTS, **dict(classes or {})}


def model_terms(settings: Mapping, *, exclude: Sequence[str] = ()) -> list[str]:
    """The model's terms: one ``inc_<group>`` per kind group, then the other features."""
    terms = [f"inc_{g}" for g in settings["kind_groups"]] + list(BASE_TERMS)
    return [t for t in terms if t not in set(exclude)]


def transform_terms(village: pd.DataFrame, terms: Sequence[str]) -> np.ndarray:
    """Return the model's raw term values: ``log1p`` of counts/intensities, shares as they are."""
    cols = []
    for t in terms:
        x = village[t].to_numpy(float)
        if t in LINEAR_TERMS:
            cols.append(x)
        elif t in LOG_TERMS:
            cols.append(np.log(np.maximum(x, 1e-6)))
        else:
            cols.append(np.log1p(np.clip(x, 0.0, None)))
    return np.column_stack(cols) if cols else np.zeros((len(village), 0))


# --------------------------------------------------------------------------------------------
# Poisson GLM (Newton with step halving; deterministic)
# --------------------------------------------------------------------------------------------


def _matvec(X: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``X @ b`` without BLAS threads (same bits whatever the machine's thread count)."""
    return np.einsum("ij,j->i", X, b)


def fit_poisson_glm(X: np.ndarray, y: np.ndarray, offset: np.ndarray, penalty: np.ndarray, *,
                    max_iter: int = 50, tol: float = 1e-9) -> np.ndarray:
    """Fit ``log E[y] = offset + X b`` minimising mean deviance / 2 + ``sum penalty b**2`` / 2.

    Newton's method with step halving. Column 0 of ``X`` should be the intercept (give it
    penalty 0). Products are done with ``einsum`` rather than BLAS, so the result does not
    depend on the number of threads.
    """
    n, p = X.shape
    beta = np.zeros(p)
    total = max(float(y.sum()), 1e-3)
    beta[0] = np.log(total / float(np.exp(offset).sum()))

    def objective(b: np.ndarray) -> tuple[float, np.ndarray]:
        eta = np.clip(_matvec(X, b) + offset, -30.0, 30.0)
        mu = np.exp(eta)
        return float(np.mean(mu - y * eta) + 0.5 * np.sum(penalty * b * b)), mu

    obj, mu = objective(beta)
    for _ in range(max_iter):
        grad = np.einsum("ij,i->j", X, mu - y) / n + penalty * beta
        hess = np.einsum("ij,ik->jk", X * mu[:, None], X) / n + np.diag(penalty) + 1e-10 * np.eye(p)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        for _halving in range(30):
            cand = beta - t * step
            new_obj, new_mu = objective(cand)
            if new_obj <= obj + 1e-15:
                break
            t *= 0.5
        else:
            break   # no decrease along the Newton direction: converged to precision
        small = np.max(np.abs(cand - beta)) < tol or obj - new_obj < 1e-13 * max(1.0, abs(obj))
        beta, obj, mu = cand, new_obj, new_mu
        if small:
            break
    return beta


@dataclass
class GLMFit:
    """A fitted pooled-stage Poisson GLM (with its additive venue rates, if any)."""

    terms: list[str]
    stages: list[str]
    mean: np.ndarray
    scale: np.ndarray
    beta: np.ndarray              # [intercept, stage dummies..., terms..., (log days)]
    venue_rate: dict | None = None   # stage -> g_stage (additive venue effect)
    days_mean: float | None = None   # mean log window days of the rows (elasticity term)

    @property
    def coef(self) -> np.ndarray:
        return self.beta[1 + len(self.stages):1 + len(self.stages) + len(self.terms)]

    @property
    def days_coef(self) -> float:
        """Deviation of the window-length elasticity from 1 (0 without the term)."""
        if self.days_mean is None:
            return 0.0
        return float(self.beta[1 + len(self.stages) + len(self.terms)])

    def stage_effect(self, stage: str) -> float:
        if stage in self.stages:
            return float(self.beta[1 + self.stages.index(stage)])
        return 0.0

    def rate_for(self, stage: str) -> float:
        """Additive venue rate of ``stage`` (the mean of the fitted ones for an unseen stage)."""
        if not self.venue_rate:
            return 0.0
        if stage in self.venue_rate:
            return float(self.venue_rate[stage])
        return float(np.mean(list(self.venue_rate.values())))

    def z(self, raw: np.ndarray) -> np.ndarray:
        return (raw - self.mean) / self.scale

    def linear(self, raw: np.ndarray, *, stage: str, days: int) -> np.ndarray:
        ld = np.log(days)
        shift = 0.0 if self.days_mean is None else self.days_coef * (ld - self.days_mean)
        return (self.beta[0] + self.stage_effect(stage) + _matvec(self.z(raw), self.coef)
                + ld + shift)

    def predict(self, raw: np.ndarray, *, stage: str, days: int,
                venue: np.ndarray | None = None) -> np.ndarray:
        """Expected counts; ``venue`` (the raw exposure) is needed for the additive effect."""
        mu = np.exp(np.clip(self.linear(raw, stage=stage, days=days), -30, 30))
        if self.venue_rate is not None and venue is not None:
            mu = mu + self.rate_for(stage) * np.asarray(venue, float)
        return mu


def fit_poisson_additive(X: np.ndarray, y: np.ndarray, offset: np.ndarray, penalty: np.ndarray,
                         G: np.ndarray, *, gamma_penalty: float = 1e-4, max_iter: int = 50,
                         tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``E[y] = exp(offset + X b) + G g`` with ``g >= 0`` (Fisher scoring, projected steps).

    The objective is the mean Poisson deviance / 2 plus ridge penalties (``penalty`` on ``b``,
    ``gamma_penalty`` on ``g``). Starts from the plain GLM and ``g = 0``.
    """
    n, p = X.shape
    q = G.shape[1]
    beta = fit_poisson_glm(X, y, offset, penalty, max_iter=max_iter)
    gamma = np.zeros(q)
    pen = np.concatenate([penalty, np.full(q, gamma_penalty)])

    def evaluate(b: np.ndarray, g: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        m = np.exp(np.clip(_matvec(X, b) + offset, -30.0, 30.0))
        mu = np.maximum(m + _matvec(G, g), 1e-12)
        obj = float(np.mean(mu - y * np.log(mu)) + 0.5 * np.sum(pen * np.r_[b, g] ** 2))
        return obj, m, mu

    obj, m, mu = evaluate(beta, gamma)
    for _ in range(max_iter):
        J = np.column_stack([X * m[:, None], G])
        theta = np.r_[beta, gamma]
        grad = np.einsum("ij,i->j", J, 1.0 - y / mu) / n + pen * theta
        info = (np.einsum("ij,ik->jk", J / mu[:, None], J) / n + np.diag(pen)
                + 1e-10 * np.eye(p + q))
        step = np.linalg.solve(info, grad)
        t = 1.0
        for _halving in range(30):
            cand = theta - t * step
            cand[p:] = np.maximum(cand[p:], 0.0)
            new_obj, new_m, new_mu = evaluate(cand[:p], cand[p:])
            if new_obj <= obj + 1e-15:
                break
            t *= 0.5
        else:
            break
        small = np.max(np.abs(cand - theta)) < tol or obj - new_obj < 1e-13 * max(1.0, abs(obj))
        beta, gamma, obj, m, mu = cand[:p], cand[p:], new_obj, new_m, new_mu
        if small:
            break
    return beta, gamma


class WindowStore:
    """Features and targets of windows, computed once per window (all cut before ``cutoff``)."""

    def __init__(self, region: Region, *, settings: Mapping, past_windows: Sequence[tuple],
                 cutoff: pd.Timestamp, terms: Sequence[str]):
        self.region = region
        self.settings = settings
        self.past_windows = list(past_windows)
        self.cutoff = pd.Timestamp(cutoff)
        self.terms = list(terms)
        self._feat: dict = {}
        self._raw: dict = {}
        self._y: dict = {}

    def features(self, stage: str, start, end) -> WindowFeatures:
        key = (stage, pd.Timestamp(start), pd.Timestamp(end))
        if key not in self._feat:
            self._feat[key] = features_as_of(self.region, stage=stage, start=start, end=end,
                                             past_windows=self.past_windows,
                                             settings=self.settings)
        return self._feat[key]

    def raw(self, stage: str, start, end) -> np.ndarray:
        key = (stage, pd.Timestamp(start), pd.Timestamp(end))
        if key not in self._raw:
            self._raw[key] = transform_terms(self.features(stage, start, end).village, self.terms)
        return self._raw[key]

    def venue(self, stage: str, start, end) -> np.ndarray:
        """Raw venue exposure per village (for the additive venue effect)."""
        return self.features(stage, start, end).village["venue"].to_numpy(float)

    def target(self, start, end) -> np.ndarray:
        key = (pd.Timestamp(start), pd.Timestamp(end))
        if key not in self._y:
            self._y[key] = incident_counts(self.region, start, end, before=self.cutoff)
        return self._y[key]


def training_windows(past_windows: Sequence[tuple], before, *,
                     min_history: int = 0) -> list[tuple]:
    """Past windows usable as training rows for a map made as of ``before``.

    A window must start before ``before``; its end is cut to the day before ``before``. With
    ``min_history`` > 0 a window also needs that many earlier elections (other names with a
    window ended before it starts): in the first election of the record no village has a
    history yet, so "no incidents before" would teach the model that a hot village is quiet.
    """
    before = pd.Timestamp(before)
    ends: dict[str, list[pd.Timestamp]] = {}
    for name, _, _, s1 in past_windows:
        ends.setdefault(str(name), []).append(pd.Timestamp(s1))
    out = []
    for name, stage, s0, s1 in past_windows:
        s0, s1 = pd.Timestamp(s0), pd.Timestamp(s1)
        if s0 >= before:
            continue
        earlier = sum(1 for other, e in ends.items()
                      if other != str(name) and min(e) < s0)
        if earlier < min_history:
            continue
        out.append((name, stage, s0, min(s1, before - pd.Timedelta(days=1))))
    return sorted(out, key=lambda w: (w[2], w[3], w[1], w[0]))


def count_in_windows(region: Region, windows: Sequence[tuple]) -> float:
    """Incidents (precision-weighted) dated inside any of ``windows`` (counted once per window)."""
    total = 0.0
    for _, _, s0, s1 in windows:
        total += float(incident_counts(region, s0, s1).sum())
    return total


def rolling_windows(calendar: Mapping, *, period_years: int, first_date) -> list[tuple]:
    """The current calendar's stage windows shifted back by ``k x period_years`` years (k >= 1),
    as long as the shifted election starts on or after ``first_date`` (the first incident).

    Named ``"rolling -<years> y"`` so that each shift acts as one earlier election.
    """
    if not calendar or first_date is None or period_years < 1:
        return []
    first_start = min(pd.Timestamp(a) for a, _ in calendar.values())
    out = []
    k = 1
    while k * period_years <= 100:
        shift = pd.DateOffset(years=k * period_years)
        if first_start - shift < pd.Timestamp(first_date):
            break
        for stage, (a, b) in calendar.items():
            out.append((f"rolling -{k * period_years} y", stage, pd.Timestamp(a) - shift,
                        pd.Timestamp(b) - shift))
        k += 1
    return sorted(out, key=lambda w: (w[2], w[3], w[1]))


def rolling_period(region: Region, calendar: Mapping, *, setting, first_date) -> tuple[int, dict]:
    """The shift period (years) of the rolling windows and the incident rate per period tried.

    ``setting`` an integer: that period. ``"auto"``: of 1-6 years, the period whose shifted
    windows hold the highest incident rate per window-day (elections recur on a cycle, e.g. 5
    years for Indonesia's national elections; a 1-year shift would mix election and quiet
    years); ties go to the shorter period.
    """
    if setting != "auto":
        return int(setting), {}
    rates = {}
    for p in range(1, 7):
        ws = rolling_windows(calendar, period_years=p, first_date=first_date)
        days = sum(window_days(a, b) for _, _, a, b in ws)
        if days > 0:
            rates[p] = count_in_windows(region, ws) / days
    if not rates:
        return 1, {}
    best = max(rates, key=lambda p: (round(rates[p], 12), -p))
    return best, {str(p): r for p, r in rates.items()}


def enough_history(n_windows: int, n_incidents: float, model: Mapping) -> bool:
    """Whether ``n_windows`` training windows with ``n_incidents`` suffice for the GLM."""
    return (n_windows >= int(model["min_training_windows"])
            and n_incidents >= float(model["min_training_incidents"]))


def select_windows(region: Region, past_windows: Sequence[tuple], *, calendar: Mapping | None,
                   start, model: Mapping, source: str,
                   notes: Sequence[str] = ()) -> tuple[list[tuple], dict]:
    """Choose the windows the stage's model trains and is backtested on.

    The calendars (``past_windows``, from ``source``) are used when they give enough training
    windows (:func:`enough_history`) before ``start``; otherwise, with ``rolling_windows`` on
    and a current ``calendar``, the current calendar shifted back in whole periods
    (:func:`rolling_windows`) when that gives more training windows.
    """
    min_hist = int(model["min_history_elections"])
    train = training_windows(past_windows, start, min_history=min_hist)
    n_inc = count_in_windows(region, train)
    info = {"source": source, "elections": _names(past_windows), "notes": list(notes),
            "n_training_windows": len(train), "n_training_incidents": round(n_inc, 3)}
    if enough_history(len(train), n_inc, model):
        info["reason"] = f"{len(train)} windows from {source} with {n_inc:.0f} incidents"
        return list(past_windows), info
    thin = (f"{source} gives {len(train)} training windows with {n_inc:.0f} incidents "
            f"before {pd.Timestamp(start).date()} (minimum {model['min_training_windows']} "
            f"windows and {model['min_training_incidents']} incidents)")
    if not model["rolling_windows"] or not calendar or len(region.inc_date) == 0:
        info["reason"] = thin
        return list(past_windows), info
    first = pd.Timestamp(region.inc_date.min())
    period, rates = rolling_period(region, calendar, setting=model["rolling_period_years"],
                                   first_date=first)
    rolled = rolling_windows(calendar, period_years=period, first_date=first)
    r_train = training_windows(rolled, start, min_history=min_hist)
    r_inc = count_in_windows(region, r_train)
    if len(r_train) <= len(train) and not enough_history(len(r_train), r_inc, model):
        info["reason"] = thin + "; rolling windows give no more"
        return list(past_windows), info
    info = {"source": "rolling windows", "elections": _names(rolled),
            "notes": [*notes, thin], "period_years": period,
            "rate_per_day_by_period": rates,
            "n_training_windows": len(r_train), "n_training_incidents": round(r_inc, 3),
            "reason": (f"{thin}: rolling windows, the current calendar shifted back by "
                       f"multiples of {period} "
                       f"years (same windows in earlier cycles) gives {len(r_train)} windows "
                       f"with {r_inc:.0f} incidents")}
    return rolled, info


def _names(windows: Sequence[tuple]) -> list[str]:
    first: dict = {}
    for name, _, a, _ in windows:
        first[str(name)] = min(first.get(str(name), pd.Timestamp(a)), pd.Timestamp(a))
    return sorted(first, key=lambda n: (first[n], n))


def glm_columns(terms: Sequence[str], model: Mapping) -> list[int]:
    """Columns of the terms in the GLM's log-linear part (the venue term is additive apart)."""
    return [j for j, t in enumerate(terms)
            if not (t == "venue" and model["venue_effect"] == "additive")]


#: Solved fits by the bytes of their inputs (:func:`solved_once`), at most :data:`SOLVED_MAX`.
_SOLVED: OrderedDict[bytes, Any] = OrderedDict()
SOLVED_MAX = 256


def solved_once(parts: Sequence[Any], solve: Callable[[], Any]) -> Any:
    """``solve()``, or what it returned before for the same ``parts`` (arrays by their bytes).

    A region job scores its five stages in one process, and their maps, dispersion checks and
    backtests refit the same training elections (a 400-TPS region: 51 fits, 31 distinct); the
    solvers are deterministic, so identical inputs give the numbers they gave before. Arrays
    returned are copies: a caller cannot change what the next one gets.
    """
    key = content_key(parts)
    if key in _SOLVED:
        _SOLVED.move_to_end(key)
    else:
        _SOLVED[key] = solve()
        if len(_SOLVED) > SOLVED_MAX:
            _SOLVED.popitem(last=False)
    value = _SOLVED[key]
    if isinstance(value, tuple):
        return tuple(np.copy(v) if isinstance(v, np.ndarray) else v for v in value)
    return np.copy(value) if isinstance(value, np.ndarray) else value


def fit_glm(store: WindowStore, windows: Sequence[tuple], *, model: Mapping) -> GLMFit:
    """Fit the pooled Poisson GLM on ``windows`` (rows: villages x windows)."""
    cols = glm_columns(store.terms, model)
    raws = [store.raw(st, s0, s1)[:, cols] for _, st, s0, s1 in windows]
    ys = [store.target(s0, s1) for _, _, s0, s1 in windows]
    raw = np.vstack(raws)
    y = np.concatenate(ys)
    mean = raw.mean(axis=0)
    scale = raw.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    stages = sorted({w[1] for w in windows}, key=lambda s: STAGES.index(s) if s in STAGES else 99)
    n_v = len(store.region.village_code)
    dummies = np.zeros((len(y), len(stages)))
    offset = np.zeros(len(y))
    for i, (_, st, s0, s1) in enumerate(windows):
        dummies[i * n_v:(i + 1) * n_v, stages.index(st)] = 1.0
        offset[i * n_v:(i + 1) * n_v] = np.log(window_days(s0, s1))
    X = np.column_stack([np.ones(len(y)), dummies, (raw - mean) / scale])
    penalty = np.concatenate([[0.0], np.full(len(stages), float(model["stage_alpha"])),
                              np.full(raw.shape[1], float(model["alpha"]))])
    days_mean = None
    if model["window_length_elasticity"]:
        # incidents need not grow in proportion to a window's length (a 200-day campaign
        # does not hold ten times a 20-day one's): exponent 1 + b_days, b_days ridge-penalised
        days_mean = float(offset.mean())
        X = np.column_stack([X, offset - days_mean])
        penalty = np.concatenate([penalty, [float(model["alpha"])]])
    glm_terms = [store.terms[j] for j in cols]
    if model["venue_effect"] == "additive" and "venue" in store.terms:
        G = np.zeros((len(y), len(stages)))
        for i, (_, st, s0, s1) in enumerate(windows):
            G[i * n_v:(i + 1) * n_v, stages.index(st)] = store.venue(st, s0, s1)
        gamma_penalty, max_iter = float(model["venue_alpha"]), int(model["max_iter"])
        beta, gamma = solved_once(
            ("additive", X, y, offset, penalty, G, gamma_penalty, max_iter),
            lambda: fit_poisson_additive(X, y, offset, penalty, G, gamma_penalty=gamma_penalty,
                                         max_iter=max_iter))
        rates = {st: float(g) for st, g in zip(stages, gamma, strict=True)
                 if G[:, stages.index(st)].any()}
        return GLMFit(terms=glm_terms, stages=stages, mean=mean, scale=scale, beta=beta,
                      venue_rate=rates, days_mean=days_mean)
    max_iter = int(model["max_iter"])
    beta = solved_once(("glm", X, y, offset, penalty, max_iter),
                       lambda: fit_poisson_glm(X, y, offset, penalty, max_iter=max_iter))
    return GLMFit(terms=glm_terms, stages=stages, mean=mean, scale=scale, beta=beta,
                  days_mean=days_mean)


# --------------------------------------------------------------------------------------------
# Weighted index (fallback)
# --------------------------------------------------------------------------------------------


def index_weights_for(terms: Sequence[str], model: Mapping) -> np.ndarray:
    w = model["index_weights"]
    return np.array([float(w.get(t, model["index_inc_weight"] if t.startswith("inc_") else 0.0))
                     for t in terms])


def weighted_index(raw: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the 0-100 index and each term's part (``weight x indicator``, same scale)."""
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    span = np.where(hi - lo > 1e-12, hi - lo, np.inf)
    ind = (raw - lo) / span
    total_w = weights.sum() if weights.sum() > 0 else 1.0
    parts = 100.0 * ind * weights / total_w
    return parts.sum(axis=1), parts


def stage_rate_total(store: WindowStore, *, stage: str, windows: Sequence[tuple],
                     days: int, before) -> float:
    """Expected regional total for the window from the past rate (same stage, else any stage)."""
    same = [w for w in windows if w[1] == stage]
    use = same or list(windows)
    if use:
        n = sum(store.target(s0, s1).sum() for _, _, s0, s1 in use)
        d = sum(window_days(s0, s1) for _, _, s0, s1 in use)
        return float(n / d * days)
    r = store.region
    b = np.datetime64(pd.Timestamp(before).date(), "D")
    recent = ((b - r.inc_date) / np.timedelta64(1, "D"))
    n = float(np.sum((recent > 0) & (recent <= 365)))
    return n / 365.0 * days


# --------------------------------------------------------------------------------------------
# Scores and classes
# --------------------------------------------------------------------------------------------


def risk_score_from_expected(expected: np.ndarray) -> np.ndarray:
    """``100 log1p(mu/m) / log1p(max mu/m)``, ``m`` the mean; rounded to 1 decimal.

    Examples
    --------
    >>> risk_score_from_expected(np.array([0.0, 1.0, 3.0])).tolist()
    [0.0, 47.5, 100.0]
    """
    mu = np.clip(np.asarray(expected, float), 0.0, None)
    m = mu.mean() if len(mu) else 0.0
    if m <= 0:
        return np.zeros(len(mu))
    return np.round(100.0 * np.log1p(mu / m) / np.log1p(mu.max() / m), 1)


CLASS_KEYS = ("rawan", "sangat_rawan")


def history_thresholds(store: WindowStore, *, stage: str, days: int,
                       classes: Mapping, before=None) -> dict | None:
    """Class thresholds on expected incidents calibrated on the region's own history.

    The village counts of the stage's earlier windows (all earlier windows when the stage has
    none), each scaled to a window of ``days`` days, give a mean and a standard deviation:
    ``rawan`` is the mean, ``sangat_rawan`` the mean + ``history_sd`` sd (IKP's mean +- sd
    cut, applied to what the region's villages saw before). ``None`` unless the method is
    ``history`` or when the history holds no incident (the ``shares`` rule is used then).
    """
    cfg = class_settings(classes)
    if cfg["method"] != "history":
        return None
    past = training_windows(store.past_windows, store.cutoff if before is None else before)
    same = [w for w in past if w[1] == stage]
    use = same or past
    if not use:
        return None
    vals = np.concatenate([store.target(s0, s1) * days / window_days(s0, s1)
                           for _, _, s0, s1 in use])
    if vals.sum() <= 0:
        return None
    m, sd = float(vals.mean()), float(vals.std())
    return {"rawan": m, "sangat_rawan": m + float(cfg["history_sd"]) * sd,
            "windows": len(use), "same_stage": bool(same)}


def class_rule_text(classes: Mapping, thresholds: Mapping | None) -> str:
    """The rule that made the classes, in plain words (English, for model.json / plan.json)."""
    cfg = class_settings(classes)
    method = cfg["method"]
    shares = (f"shares: the top {cfg['sangat_rawan_share']:.0%} of villages by expected "
              f"incidents sangat rawan, the next {cfg['rawan_share']:.0%} rawan")
    if method == "history":
        if thresholds is None:
            return ("history thresholds impossible (no incident in earlier windows): fixed "
                    f"thresholds on expected incidents, sangat rawan >= "
                    f"{cfg['sangat_rawan_threshold']}, rawan >= {cfg['rawan_threshold']}")
        what = ("this stage's" if thresholds["same_stage"] else "all")
        return (f"history: sangat rawan where expected incidents >= "
                f"{thresholds['sangat_rawan']:.3f} (mean + {cfg['history_sd']} sd of the "
                f"village counts in {thresholds['windows']} of {what} earlier windows, scaled "
                f"to this window), rawan >= {thresholds['rawan']:.3f} (their mean); a TPS's "
                "thresholds are scaled by villages per TPS")
    if method == "shares":
        return shares
    if method == "thresholds":
        return (f"thresholds on {cfg['threshold_on']}: sangat rawan >= "
                f"{cfg['sangat_rawan_threshold']}, rawan >= {cfg['rawan_threshold']}")
    return "sd: risk score >= mean + 1 sd sangat rawan, >= mean rawan"


def assign_classes(expected: np.ndarray, *, classes: Mapping,
                   score: np.ndarray | None = None,
                   thresholds: Mapping | None = None) -> np.ndarray:
    """Return ``kurang_rawan`` / ``rawan`` / ``sangat_rawan`` per row by the configured rule.

    ``method: history`` (with ``thresholds`` from :func:`history_thresholds`): expected
    incidents at least ``thresholds["sangat_rawan"]`` / ``["rawan"]``, so the number of rawan
    villages follows the expected incidents; without thresholds (no incident on record) the
    fixed ``sangat_rawan_threshold`` / ``rawan_threshold`` on expected incidents apply.
    ``method: shares``: the top ``round(sangat_rawan_share x n)`` rows by expected incidents
    are sangat rawan, the next ``round(rawan_share x n)`` rawan (a row's rank counts every row
    at least as high, so tied rows share a class; rows expecting nothing stay kurang rawan).
    ``method: thresholds``: ``threshold_on`` (``expected_incidents`` or ``risk_score``) at
    least ``sangat_rawan_threshold`` / ``rawan_threshold``. ``method: sd`` (IKP style): risk
    score at least mean + 1 sd sangat rawan, at least the mean rawan.
    """
    cfg = class_settings(classes)
    mu = np.asarray(expected, float)
    n = len(mu)
    out = np.full(n, "kurang_rawan", dtype=object)
    if n == 0:
        return out
    method = cfg["method"]
    if method == "history":
        positive = mu > 0
        if thresholds is None:   # no incident on record: the fixed thresholds on expected
            thresholds = {"rawan": cfg["rawan_threshold"],
                          "sangat_rawan": cfg["sangat_rawan_threshold"]}
        out[(mu >= float(thresholds["rawan"])) & positive] = "rawan"
        out[(mu >= float(thresholds["sangat_rawan"])) & positive] = "sangat_rawan"
        return out
    if method == "shares":
        higher_or_equal = np.searchsorted(np.sort(-mu), -mu, side="right")
        k_sangat = int(np.floor(float(cfg["sangat_rawan_share"]) * n + 0.5))
        k_rawan = int(np.floor((float(cfg["sangat_rawan_share"]) + float(cfg["rawan_share"]))
                               * n + 0.5))
        positive = mu > 0
        out[(higher_or_equal <= k_rawan) & positive] = "rawan"
        out[(higher_or_equal <= k_sangat) & positive] = "sangat_rawan"
        return out
    value = mu if cfg["threshold_on"] == "expected_incidents" else (
        risk_score_from_expected(mu) if score is None else np.asarray(score, float))
    if method == "thresholds":
        out[value >= float(cfg["rawan_threshold"])] = "rawan"
        out[value >= float(cfg["sangat_rawan_threshold"])] = "sangat_rawan"
        return out
    if method == "sd":
        s = risk_score_from_expected(mu) if score is None else np.asarray(score, float)
        m, sd = s.mean(), s.std()
        out[(s >= m) & (sd > 0)] = "rawan"
        out[(s >= m + sd) & (sd > 0)] = "sangat_rawan"
        return out
    raise ValueError(f"classes.method: unknown method {method!r} "
                     "(history, shares, thresholds or sd)")


def bump_classes(classes: np.ndarray, mask: np.ndarray, minimum: str) -> np.ndarray:
    """Raise the class of rows in ``mask`` to at least ``minimum``."""
    order = {c: i for i, c in enumerate(bt.CLASS_NAMES)}
    out = classes.copy()
    lo = order.get(minimum, 0)
    for i in np.flatnonzero(mask):
        if order[out[i]] < lo:
            out[i] = minimum
    return out


# --------------------------------------------------------------------------------------------
# The map of one window
# --------------------------------------------------------------------------------------------


@dataclass
class WindowMap:
    """Expected counts of one window and what lies behind them."""

    expected: np.ndarray            # per village
    contributions: np.ndarray       # (V, K) per term
    venue_part: np.ndarray          # per village: expected count due to the venue term
    higher: np.ndarray              # (V, K) the village's term value is above the mean
    names: list                     # (K,) the term names of the contributions
    model: str
    reason: str
    n_training_windows: int
    info: dict = field(default_factory=dict)
    expected_before_level: np.ndarray | None = None


def choose_model(n_windows: int, n_incidents: float, model: Mapping) -> tuple[str, str]:
    """Return (model kind, reason in plain words)."""
    kind = model["kind"]
    enough = (n_windows >= int(model["min_training_windows"])
              and n_incidents >= float(model["min_training_incidents"]))
    detail = (f"{n_windows} past stage windows with {int(n_incidents)} incidents "
              f"(minimum {model['min_training_windows']} windows and "
              f"{model['min_training_incidents']} incidents)")
    if kind == "weighted_index":
        return "weighted_index", "weighted index requested in the configuration"
    if kind == "poisson_glm":
        if n_incidents <= 0 or n_windows == 0:
            return "weighted_index", f"Poisson GLM requested but no history to fit: {detail}"
        return "poisson_glm", f"Poisson GLM requested in the configuration; {detail}"
    if enough:
        return "poisson_glm", f"Poisson GLM fitted on {detail}"
    return "weighted_index", (f"history too thin for a fitted model: {detail}; calibrated "
                              "fallback (last year's and the previous same stage's counts "
                              "with the weighted index)")


def _with_additive_venue(contributions: np.ndarray, higher: np.ndarray, venue_part: np.ndarray,
                         mu: np.ndarray, venue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Append the additive venue term to the log-scale contributions: its share of a village's
    reasons is its share ``g venue / mu`` of the expected count, the other terms share the rest
    as before."""
    f = np.clip(np.where(mu > 0, venue_part / np.where(mu > 0, mu, 1.0), 0.0), 0.0, 0.999)
    pos = np.clip(contributions, 0.0, None).sum(axis=1)
    extra = np.where(pos > 0, f / (1.0 - f) * pos, f)
    return (np.column_stack([contributions, extra]),
            np.column_stack([higher, venue > 0]))


def fitted_totals(store: WindowStore, fit: GLMFit, windows: Sequence[tuple], *,
                  model: Mapping) -> list[tuple[tuple, float, float]]:
    """``(window, observed, fitted expected)`` of every training window."""
    cols = glm_columns(store.terms, model)
    out = []
    for w in windows:
        _, st, s0, s1 = w
        venue = store.venue(st, s0, s1) if "venue" in store.terms else None
        exp = float(fit.predict(store.raw(st, s0, s1)[:, cols], stage=st,
                                days=window_days(s0, s1), venue=venue).sum())
        out.append((w, float(store.target(s0, s1).sum()), exp))
    return out


def _heldout_rows(store: WindowStore, windows: Sequence[tuple], held: str, *,
                  model: Mapping) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(observed, predicted)`` per window of election ``held`` from a GLM fitted without it."""
    train = [w for w in windows if str(w[0]) != held]
    test = [w for w in windows if str(w[0]) == held]
    if not train or not test or sum(store.target(a, b).sum() for *_, a, b in train) <= 0:
        return []
    fit = fit_glm(store, train, model=model)
    cols = glm_columns(store.terms, model)
    out = []
    for _, st, s0, s1 in test:
        y = store.target(s0, s1)
        if y.sum() <= 0:
            continue
        venue = store.venue(st, s0, s1) if "venue" in store.terms else None
        mu = fit.predict(store.raw(st, s0, s1)[:, cols], stage=st, days=window_days(s0, s1),
                         venue=venue)
        out.append((y, mu))
    return out


def dispersion_slope(store: WindowStore, windows: Sequence[tuple], *,
                     model: Mapping) -> tuple[float, dict]:
    """How far the fitted map's contrasts hold out of sample: the slope ``s`` in [0, 1].

    Leave one training election out: the GLM fitted on the other elections predicts the
    held-out election's windows; ``s`` maximises the held-out likelihood of
    ``mu_s = area x (mu / area)^s`` given each window's total (a multinomial over villages),
    on a grid of 0.01, then credibility-weighted towards 1 by the held-out incidents ``n``:
    ``1 - (1 - s) n / (n + k)``, ``k = dispersion_prior_incidents`` (a few held-out incidents
    cannot flatten the map). ``s = 1`` keeps the fitted contrasts; ``s < 1`` shrinks the expected
    incidents per km2 towards the region's level (a fit on a thin history spreads its
    predictions too far: its top villages would expect more than they see). A monotone map of
    the density, so the ranking per km2 does not change.
    """
    if model["dispersion"] != "cross_validated":
        return 1.0, {"dispersion": "none"}
    names = _names(windows)
    rows = [r for held in names for r in _heldout_rows(store, windows, held, model=model)]
    n_inc = float(sum(y.sum() for y, _ in rows))
    if len(names) < 2 or not rows:
        return 1.0, {"dispersion": "cross_validated", "dispersion_slope": 1.0,
                     "dispersion_note": "fewer than two training elections with incidents"}
    area = np.asarray(store.region.area_km2, float)
    log_area = np.log(np.maximum(area, 1e-9))
    grid = np.round(np.linspace(0.0, 1.0, 101), 2)
    loglik = np.zeros(len(grid))
    for y, mu in rows:
        d = np.log(np.maximum(mu, 1e-12)) - log_area
        d = d - d.max()
        lm = log_area[None, :] + grid[:, None] * d[None, :]  # a row per slope on the grid
        loglik += np.einsum("gv,v->g", lm, y) - y.sum() * np.log(np.exp(lm).sum(axis=1))
    best = float(grid[int(np.argmax(np.round(loglik, 9)))])
    k = float(model["dispersion_prior_incidents"])
    slope = round(1.0 - (1.0 - best) * n_inc / (n_inc + k), 4)
    return slope, {"dispersion": "cross_validated", "dispersion_slope": slope,
                  "dispersion_slope_heldout": best,
                  "dispersion_heldout_windows": len(rows),
                  "dispersion_heldout_incidents": round(n_inc, 3)}


def apply_dispersion(mu: np.ndarray, area: np.ndarray, slope: float) -> np.ndarray:
    """``area x (mu / area)^slope``, rescaled to the same total (ranking per km2 unchanged)."""
    mu = np.asarray(mu, float)
    if slope >= 1.0 or mu.sum() <= 0:
        return mu
    area = np.maximum(np.asarray(area, float), 1e-9)
    dens = np.maximum(mu / area, 1e-300)
    out = area * np.exp(slope * (np.log(dens) - np.log(dens.max())))
    out = np.where(mu > 0, out, 0.0)
    return out * (mu.sum() / out.sum())


def stage_factors(totals: Sequence[tuple], *, model: Mapping) -> dict:
    """Per-stage calibration of the totals: ``(observed + k) / (expected + k)`` over the
    stage's training windows, ``k = stage_prior_incidents`` (a gamma prior centred on the
    fitted model, so a stage with few incidents stays near it). The fitted stage intercepts
    alone do not make the totals agree when venue crowds add incidents (a rate >= 0 per stage)."""
    k = float(model["stage_prior_incidents"])
    obs: dict = {}
    exp: dict = {}
    for (_, st, _, _), o, e in totals:
        obs[st] = obs.get(st, 0.0) + o
        exp[st] = exp.get(st, 0.0) + e
    return {st: ((obs[st] + k) / (exp[st] + k) if exp[st] + k > 0 else 1.0) for st in obs}


def level_factor(store: WindowStore, fit: GLMFit, windows: Sequence[tuple], *,
                 model: Mapping, totals: Sequence[tuple] | None = None,
                 by_stage: Mapping | None = None) -> tuple[float, dict]:
    """Recalibration of the expected totals to the recent level.

    The windows of the latest training election (by start) give ``observed`` and the fitted
    model's ``expected`` incidents; the factor is ``(observed + k) / (expected + k)`` with
    ``k = level_prior_incidents`` (a gamma prior centred on no change, so a thin recent record
    moves the level little). ``level: none`` gives 1.
    """
    if model["level"] == "none" or not windows:
        return 1.0, {"level": "none"}
    last = max(windows, key=lambda w: (pd.Timestamp(w[2]), str(w[0])))[0]
    if totals is None:
        totals = fitted_totals(store, fit, windows, model=model)
    by_stage = by_stage or {}
    obs = exp = 0.0
    for w, o, e in totals:
        if w[0] == last:
            obs += o
            exp += e * float(by_stage.get(w[1], 1.0))
    k = float(model["level_prior_incidents"])
    factor = (obs + k) / (exp + k) if exp + k > 0 else 1.0
    return float(factor), {"level": "recent", "level_windows": str(last),
                           "level_observed": obs, "level_expected": exp,
                           "level_factor": float(factor)}


def fallback_shares(store: WindowStore, *, stage: str, start, end, index: np.ndarray,
                    model: Mapping) -> tuple[np.ndarray, dict]:
    """Village shares of the fallback map: a blend of last year's counts, the previous
    same-stage window's counts and the weighted index, each summing to 1.

    A count map is smoothed towards the index's shares with ``fallback_pseudo_incidents``
    pseudo-incidents per village (Laplace's add-one rule when the index is flat): a handful
    of incidents says little about where the next ones fall, so it moves the map little; a
    long record of counts outweighs the prior.
    """
    n_v = len(store.region.village_code)
    start = pd.Timestamp(start)
    idx = np.clip(np.asarray(index, float), 0.0, None)
    idx = idx + 0.1 * (idx.sum() / n_v if idx.sum() > 0 else 1.0)   # no village at zero
    prior = idx / idx.sum()
    pseudo = float(model["fallback_pseudo_incidents"]) * n_v
    parts = {
        "last_year": incident_counts(store.region, start - pd.Timedelta(days=365),
                                     start - pd.Timedelta(days=1)),
        "previous_same_stage": previous_same_stage(store, stage, start),
        "index": index / 100.0,
    }
    weights = {k: float(v) for k, v in model["fallback_blend"].items()}
    share = np.zeros(n_v)
    used = {}
    for name, x in parts.items():
        w = weights.get(name, 0.0)
        if w <= 0:
            continue
        x = np.clip(np.asarray(x, float), 0.0, None)
        if name == "index":
            sm = prior
        elif x.sum() <= 0:
            continue
        else:
            sm = x + pseudo * prior
        share += w * sm / sm.sum()
        used[name] = w
    if share.sum() <= 0:
        share = np.full(n_v, 1.0)
    return share / share.sum(), used


def fallback_total(store: WindowStore, *, stage: str, days: int, before,
                   windows: Sequence[tuple], model: Mapping) -> tuple[float, str]:
    """Expected regional total of the fallback map and where it came from: the rate of the
    stage's earlier windows, else the recent rate (``history_days`` before), else the prior."""
    same = [w for w in windows if w[1] == stage]
    if same:
        n = sum(store.target(s0, s1).sum() for _, _, s0, s1 in same)
        d = sum(window_days(s0, s1) for _, _, s0, s1 in same)
        if n > 0:
            return float(n / d * days), f"rate of {len(same)} earlier {stage} windows"
    b = pd.Timestamp(before)
    span = int(model["recent_rate_days"])
    n = float(incident_counts(store.region, b - pd.Timedelta(days=span),
                              b - pd.Timedelta(days=1)).sum())
    if n > 0:
        return n / span * days, f"recent rate ({n:.0f} incidents in the last {span} days)"
    prior = float(model["prior_incidents_per_year"]) / 365.0 * days
    return prior, (f"no incident on record: prior of {model['prior_incidents_per_year']} "
                   "incidents a year")


def map_window(store: WindowStore, *, stage: str, start, end, model: Mapping) -> WindowMap:
    """Make the map of ``[start, end]`` as of ``start`` from the windows before it."""
    windows = training_windows(store.past_windows, start,
                               min_history=int(model["min_history_elections"]))
    n_inc = float(sum(store.target(s0, s1).sum() for _, _, s0, s1 in windows))
    kind, reason = choose_model(len(windows), n_inc, model)
    raw = store.raw(stage, start, end)
    days = window_days(start, end)
    terms = store.terms
    venue_j = terms.index("venue") if "venue" in terms else None
    names = list(terms)
    before_level = None
    if kind == "poisson_glm":
        fit = fit_glm(store, windows, model=model)
        raw = raw[:, glm_columns(terms, model)]
        names = list(fit.terms)
        venue_j = names.index("venue") if "venue" in names else None
        venue = store.venue(stage, start, end) if "venue" in terms else np.zeros(len(raw))
        stage_n = float(sum(store.target(s0, s1).sum() for _, st, s0, s1 in windows
                            if st == stage))
        prior_note = None
        as_stage = stage
        if stage_n <= 0:
            # a stage whose training windows held nothing: the pooled rate of every stage
            as_stage = "__pooled__"
            n_st = sum(1 for w in windows if w[1] == stage)
            prior_note = (f"the {n_st} training windows of this stage held no incident: "
                          "region-wide prior (the pooled rate per day of all training windows "
                          "x this window's days, spread by the model's relative risks)")
        mu = fit.predict(raw, stage=as_stage, days=days, venue=venue)
        if prior_note is not None and mu.sum() > 0:
            pooled_rate = n_inc / sum(window_days(s0, s1) for _, _, s0, s1 in windows)
            mu = mu * (pooled_rate * days / mu.sum())
        totals = fitted_totals(store, fit, windows, model=model)
        by_stage = stage_factors(totals, model=model)
        s_factor = float(by_stage.get(stage, 1.0)) if prior_note is None else 1.0
        factor, level_info = level_factor(store, fit, windows, model=model, totals=totals,
                                          by_stage=by_stage)
        slope, disp_info = dispersion_slope(store, windows, model=model)
        shrunk = apply_dispersion(mu, store.region.area_km2, slope)
        ratio = np.where(mu > 0, shrunk / np.where(mu > 0, mu, 1.0), 0.0)
        mu = shrunk
        before_level = mu * s_factor
        factor = factor * s_factor
        mu = mu * factor
        z = fit.z(raw)
        contributions = (z - z.mean(axis=0)) * fit.coef
        higher = np.broadcast_to(fit.coef > 0, contributions.shape).copy()
        venue_part = np.zeros(len(mu))
        if fit.venue_rate is not None:
            venue_part = fit.rate_for(as_stage) * venue * factor * ratio
            contributions, higher = _with_additive_venue(contributions, higher, venue_part, mu,
                                                         venue)
            names = [*fit.terms, "venue"]
        elif venue_j is not None and fit.coef[venue_j] > 0:
            z0 = (0.0 - fit.mean[venue_j]) / fit.scale[venue_j]
            lin = fit.coef[venue_j] * (z[:, venue_j] - z0)
            venue_part = mu * (1.0 - np.exp(-np.clip(lin, 0.0, None)))
        info = {
            "terms": list(fit.terms),
            "coefficients_per_sd": dict(zip(fit.terms, map(float, fit.coef), strict=True)),
            "relative_risk_per_sd": {t: float(np.exp(b)) for t, b in
                                     zip(fit.terms, fit.coef, strict=True)},
            "stage_effects": {s: fit.stage_effect(s) for s in fit.stages},
            "intercept": float(fit.beta[0]),
            "venue_effect": model["venue_effect"],
            "n_training_rows": int(len(windows) * len(store.region.village_code)),
            "n_training_incidents": int(round(n_inc)),
            "alpha": float(model["alpha"]),
            "window_length_exponent": 1.0 + fit.days_coef,
            "stage_calibration": by_stage,
            **level_info,
            **disp_info,
        }
        if prior_note:
            info["prior"] = prior_note
        if fit.venue_rate is not None:
            info["venue_rate_per_stage"] = dict(fit.venue_rate)
    else:
        weights = index_weights_for(terms, model)
        index, parts = weighted_index(raw, weights)
        share, used = fallback_shares(store, stage=stage, start=start, end=end, index=index,
                                      model=model)
        # the regional rate needs no feature history: every earlier window counts here
        total, total_from = fallback_total(store, stage=stage, days=days, before=start,
                                           windows=training_windows(store.past_windows, start),
                                           model=model)
        mu = total * share
        # a term adds risk where the village's indicator is above the region's mean
        contributions = parts - parts.mean(axis=0)
        higher = np.ones(contributions.shape, bool)
        venue_part = (mu * parts[:, venue_j] / np.maximum(index, 1e-9) * (index > 0)
                      * used.get("index", 0.0) if venue_j is not None else np.zeros(len(mu)))
        info = {"terms": list(terms), "index_weights": dict(zip(terms, map(float, weights),
                                                                strict=True)),
                "fallback_blend": used, "expected_total": float(total),
                "expected_total_from": total_from, "n_training_incidents": int(round(n_inc))}
        if "prior" in total_from:
            info["prior"] = total_from
    return WindowMap(expected=mu, contributions=contributions, venue_part=venue_part,
                     higher=higher, names=names, model=kind, reason=reason,
                     n_training_windows=len(windows), info=info,
                     expected_before_level=before_level)


# --------------------------------------------------------------------------------------------
# The interface the pipeline calls
# --------------------------------------------------------------------------------------------


@dataclass
class ScoreResult:
    """What :func:`score_stage` returns (see the module docstring)."""

    area_risk: pd.DataFrame
    tps_risk: pd.DataFrame
    venue_risk: pd.DataFrame
    backtest: dict
    model_info: dict


def tps_shares(wf: WindowFeatures, *, n_villages: int, local_weight: float) -> np.ndarray:
    """Each TPS's share of its village's expected count (sums to 1 within a village)."""
    t = wf.tps
    vil = t["village"].to_numpy(int)
    if len(t) == 0:
        return np.zeros(0)

    def rel(x: np.ndarray) -> np.ndarray:
        s = np.bincount(vil, weights=x, minlength=n_villages)
        c = np.bincount(vil, minlength=n_villages)
        m = (s / np.maximum(c, 1))[vil]
        return np.where(m > 1e-12, x / np.where(m > 1e-12, m, 1.0), 1.0)

    local = 0.5 * rel(t["near_repeat"].to_numpy(float)) + 0.5 * rel(t["venue"].to_numpy(float))
    w = (t["voters"].to_numpy(float) + 1.0) * ((1.0 - local_weight) + local_weight * local)
    tot = np.bincount(vil, weights=w, minlength=n_villages)[vil]
    return np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 0.0)


def score_stage(
    areas: gpd.GeoDataFrame,
    tps: gpd.GeoDataFrame,
    venues: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    *,
    stage: str,
    start,
    end,
    past_windows: Sequence[tuple] = (),
    features: Mapping | None = None,
    model: Mapping | None = None,
    classes: Mapping | None = None,
    calendar: Mapping | None = None,
    window_source: str = "region.yaml",
    window_notes: Sequence[str] = (),
) -> ScoreResult:
    """Score one stage window: expected incidents, classes and reasons per village and TPS.

    Parameters
    ----------
    areas, tps, venues, incidents, units
        The region's tables as GeoDataFrames in one projected (UTM) CRS. Incidents on or after
        ``start`` are ignored (no look-ahead).
    stage, start, end
        The stage and its inclusive window.
    past_windows
        ``(election, stage, start, end)`` of earlier elections' stage windows.
    features, model, classes
        The merged config sections (see their schemas).
    calendar
        The current election's stages, ``stage -> (start, end)`` (default: this stage only);
        shifted back in whole periods it gives the rolling windows (:func:`select_windows`).
    window_source, window_notes
        Where ``past_windows`` came from (``region.yaml``, ``built-in calendar``...) and notes
        on them, reported in the model info.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    # no look-ahead: nothing dated on or after the stage's start reaches the model
    incidents = incidents[pd.to_datetime(incidents["date"]) < start]
    fset = feature_settings(features)
    mset = model_settings(model)
    cset = class_settings(classes)
    region = prepare_region(areas, tps, venues, incidents, units,
                            precision_local=fset["precision_local_share"])
    terms = model_terms(fset, exclude=mset["exclude_terms"])
    cal = dict(calendar) if calendar else {stage: (start, end)}
    windows, window_info = select_windows(region, past_windows, calendar=cal, start=start,
                                          model=mset, source=window_source, notes=window_notes)
    store = WindowStore(region, settings=fset, past_windows=windows, cutoff=start,
                        terms=terms)
    wmap = map_window(store, stage=stage, start=start, end=end, model=mset)
    wf = store.features(stage, start, end)
    backtest = run_backtest(store, stage=stage, model=mset, classes=cset)
    mu = wmap.expected
    n_v = len(region.village_code)

    # villages
    score = risk_score_from_expected(mu)
    thresholds = history_thresholds(store, stage=stage, days=window_days(start, end),
                                    classes=cset)
    vclass = assign_classes(mu, classes=cset, score=score, thresholds=thresholds)
    rows = _factor_rows(wf, region)
    texts = top_factors_text(wmap.contributions, wmap.names, rows, stage=stage,
                             n_factors=int(mset["top_factors"]),
                             min_share=float(mset["min_factor_share"]),
                             recent_days=int(fset["recent_days"]),
                             history_days=int(fset["history_days"]), higher=wmap.higher)
    area_risk = pd.DataFrame({
        "village_code": region.village_code,
        "risk_score": score,
        "risk_class": vclass.astype(str),
        "expected_incidents": np.round(mu, 4),
        "top_factors": texts,
    })

    # TPS
    share = tps_shares(wf, n_villages=n_v, local_weight=float(mset["tps_local_weight"]))
    tvil = wf.tps["village"].to_numpy(int)
    t_mu = mu[tvil] * share if len(tvil) else np.zeros(0)
    t_score = risk_score_from_expected(t_mu)
    per_tps = (n_v / max(len(tvil), 1)) if len(tvil) else 1.0
    t_thresholds = (None if thresholds is None
                    else {k: v * per_tps for k, v in thresholds.items() if k in CLASS_KEYS})
    t_class = assign_classes(t_mu, classes=cset, score=t_score, thresholds=t_thresholds)
    t_class = bump_classes(t_class, wf.tps["hard_to_reach"].to_numpy(bool),
                           str(cset["tps_hard_to_reach_min_class"]))
    near_kind = _nearest_active_kind(wf, region, max_m=500.0)
    t_hard = wf.tps["hard_to_reach"].to_numpy(bool)
    t_special = wf.tps["special"].to_numpy(bool)
    t_margin = wf.tps["last_margin"].to_numpy(float)
    t_text = []
    for i in range(len(tvil)):
        notes = tps_notes(hard_to_reach=bool(t_hard[i]), special=bool(t_special[i]),
                          last_margin=float(t_margin[i]), near_venue_kind=near_kind[i])
        t_text.append("; ".join(notes + [texts[tvil[i]]]))
    tps_risk = pd.DataFrame({
        "tps_id": region.tps_id,
        "risk_score": t_score,
        "risk_class": t_class.astype(str),
        "expected_incidents": np.round(t_mu, 4),
        "top_factors": t_text,
    })

    # venues
    active = wf.venue_active
    exp_v = np.zeros(len(region.venue_id))
    if len(region.venue_id):
        exp_v = venue_shares(wf.venue_village, wmap.venue_part)
    venue_risk = pd.DataFrame({"venue_id": region.venue_id[active],
                               "expected_incidents": np.round(exp_v[active], 4)})
    venue_risk = venue_risk.sort_values("venue_id", kind="stable").reset_index(drop=True)

    used = training_windows(windows, start, min_history=int(mset["min_history_elections"]))
    window_info["windows"] = [{"election": str(w[0]), "stage": w[1],
                               "start": str(pd.Timestamp(w[2]).date()),
                               "end": str(pd.Timestamp(w[3]).date())} for w in used]
    backtest = {"training_windows": window_info, **backtest}
    model_info = bt.rounded({
        "model": wmap.model,
        "reason": wmap.reason,
        "n_training_windows": wmap.n_training_windows,
        "training_windows_source": window_info["source"],
        "training_windows_reason": window_info.get("reason", ""),
        "training_windows_notes": window_info.get("notes", []),
        "class_rule": class_rule_text(cset, thresholds),
        "location_precision": ("incidents.csv geo_precision: share kept at the village "
                               f"{list(fset['precision_local_share'])} for precision 1/2/3, "
                               "the rest spread evenly over the region's villages"),
        "training_design": ("all stages of the past elections pooled (stage intercepts, "
                            "offset log window days); features as of each window's start"),
        "expected_total": float(mu.sum()),
        "risk_score": "100*log1p(mu/mean)/log1p(max/mean) of expected_incidents",
        "tps_split": "village expected x (voters+1)*((1-w)+w*local exposure), "
                     f"w={mset['tps_local_weight']}",
        **wmap.info,
    }, 6)
    return ScoreResult(area_risk=area_risk, tps_risk=tps_risk, venue_risk=venue_risk,
                       backtest=backtest, model_info=model_info)


def venue_shares(exposure: sparse.csr_array, part: np.ndarray) -> np.ndarray:
    """Each venue's share of the villages' venue-driven expected incidents.

    ``exposure`` is (villages x venues); a village's ``part`` is split over its venues in
    proportion to its exposure to each (villages exposed to none give nothing).
    """
    total = np.asarray(exposure.sum(axis=1)).ravel()
    per_unit = np.divide(part, total, out=np.zeros(len(total)), where=total > 0)
    return np.asarray(exposure.T @ per_unit, float)


def row_argmax(matrix: sparse.csr_array) -> np.ndarray:
    """Per row of a sparse matrix with non-negative entries: the column of its largest entry
    (the first such column on a tie), or -1 where the row holds no positive entry."""
    m = sparse.csr_array(matrix)
    m.sort_indices()
    out = np.full(m.shape[0], -1, dtype=np.int64)
    counts = np.diff(m.indptr)
    rows = np.repeat(np.arange(m.shape[0]), counts)
    positive = m.data > 0
    if not positive.any():
        return out
    r, c, v = rows[positive], m.indices[positive], m.data[positive]
    pick = first_of_each(r, -v, c)          # per row: largest value, then lowest column
    out[r[pick]] = c[pick]
    return out


def first_of_each(group: np.ndarray, *order_by: np.ndarray) -> np.ndarray:
    """Indices of the first element of each group once sorted by ``order_by`` (keys in order
    of precedence), groups in ascending order.

    Examples
    --------
    >>> first_of_each(np.array([1, 0, 1, 0]), np.array([5.0, 7.0, 2.0, 7.0]),
    ...               np.array([0, 1, 2, 3])).tolist()
    [1, 2]
    """
    order = np.lexsort((*reversed(order_by), group))
    first = np.ones(len(order), bool)
    first[1:] = group[order][1:] != group[order][:-1]
    return order[first]


def _factor_rows(wf: WindowFeatures, region: Region) -> list[dict]:
    rows = wf.village.to_dict("records")
    top = row_argmax(wf.venue_village)
    for i, row in enumerate(rows):
        j = int(top[i])
        if j >= 0:
            row["venue_kind"] = region.venue_kind[j]
            row["venue_crowd"] = float(region.venue_crowd[j])
    return rows


def _nearest_active_kind(wf: WindowFeatures, region: Region, *, max_m: float) -> list:
    """Per TPS, the kind of the nearest venue within ``max_m`` that counts in the window
    (weighted in the window, its kernel positive), else None; a tie goes to the venue listed
    first."""
    out: list = [None] * len(region.tps_id)
    pairs = wf.tps_pairs
    if len(pairs.place) == 0:
        return out
    kernel = wf.kernel_tps[pairs.place, pairs.venue]
    ok = (wf.venue_weights[pairs.venue] > 0) & (kernel > 0) & (pairs.metres <= max_m)
    t, w, d = pairs.place[ok], pairs.venue[ok], pairs.metres[ok]
    pick = first_of_each(t, d, w)           # per TPS: nearest, then first listed
    for i, j in zip(t[pick], w[pick], strict=True):
        out[int(i)] = str(region.venue_kind[j])
    return out


# --------------------------------------------------------------------------------------------
# Backtest of the stage on its past windows
# --------------------------------------------------------------------------------------------


def prospective_hotspot(store: WindowStore, stage: str, start, end) -> np.ndarray:
    """The prospective-hotspot baseline: near-repeat intensity per village as of ``start``."""
    return store.features(stage, start, end).village["near_repeat"].to_numpy(float)


def previous_same_stage(store: WindowStore, stage: str, start) -> np.ndarray:
    """The last-election baseline: counts in the latest same-stage window before ``start``."""
    same = [w for w in store.past_windows
            if w[1] == stage and pd.Timestamp(w[3]) < pd.Timestamp(start)]
    if not same:
        return np.zeros(len(store.region.village_code))
    _, _, s0, s1 = max(same, key=lambda w: (pd.Timestamp(w[2]), pd.Timestamp(w[3])))
    return store.target(s0, s1)


def classes_as_of(store: WindowStore, expected: np.ndarray, *, origin: tuple,
                  classes: Mapping) -> np.ndarray:
    """The classes of a backtest origin's map under the class rule as it stood at the origin's
    start: ``history`` thresholds from the windows before it, scaled to its length (no
    hindsight from later windows)."""
    _, stage, start, end = origin
    th = history_thresholds(store, stage=stage, days=window_days(start, end), classes=classes,
                            before=start)
    return assign_classes(expected, classes=classes, thresholds=th)


def run_backtest(store: WindowStore, *, stage: str, model: Mapping, classes: Mapping) -> dict:
    """Rolling-origin backtest on the past windows of ``stage`` (each forecast with data
    before its start only), with the two baselines."""
    origins = [w for w in training_windows(store.past_windows, store.cutoff) if w[1] == stage]
    area = store.region.area_km2
    shares = [float(s) for s in model["area_shares"]]

    def predict(origin):
        wm = map_window(store, stage=origin[1], start=origin[2], end=origin[3], model=model)
        out = {"expected": wm.expected, "model": wm.model,
               "n_training_windows": wm.n_training_windows}
        if wm.expected_before_level is not None:
            out["expected_before_level"] = wm.expected_before_level
        return out

    def baselines(origin):
        return {"previous_same_stage": previous_same_stage(store, origin[1], origin[2]),
                "prospective_hotspot": prospective_hotspot(store, origin[1], origin[2],
                                                           origin[3])}

    res = bt.rolling_origin_backtest(
        origins, predict=predict, observed=lambda o: store.target(o[2], o[3]),
        baselines=baselines, area=area,
        classify=lambda e, o: classes_as_of(store, e, origin=o, classes=classes),
        shares=shares)
    res = {
        "ranking": "villages ranked by expected incidents per km2; area budget filled in that "
                   "order, the boundary village counted pro rata",
        "pei_oracle": "villages ranked by observed incidents per km2 (observed-best)",
        "baseline_scaling": "baseline scores scaled to the model's expected total "
                            "(1% spread evenly)",
        "area_shares": shares,
        **res,
    }
    return bt.rounded(res, 4)
