"""How well a risk map anticipated what happened next: PAI, PEI, hit rate, calibration, deviance.

All functions work on arrays aligned on villages. A map is ranked by *expected incidents per
km²* (a density, so that small hot villages are not penalised against large quiet ones); the
area budget (5, 10, 20 % of the region's area) is filled in that order, and the village at the
boundary counts in proportion to the part of its area that fits. Villages tied on the ranking
value are merged into one block first, so ties never depend on the order of the rows.

- *hit rate* at an area share ``a``: share of the observed incidents captured;
- *PAI* = hit rate / ``a``;
- *PEI* = hit rate / the best hit rate possible with the same area (villages ranked by observed
  incidents per km², the "observed-best" oracle); on the simulator also against the planted truth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

CLASS_NAMES = ("kurang_rawan", "rawan", "sangat_rawan")


def capture_at_area(rank_value: np.ndarray, area: np.ndarray, observed: np.ndarray,
                    share: float) -> float:
    """Return the share of ``observed`` captured by the top-ranked area ``share`` of the region.

    Examples
    --------
    >>> capture_at_area(np.array([3., 1., 2.]), np.array([1., 1., 2.]), np.array([4., 0., 4.]), 0.5)
    0.75
    """
    rank_value = np.asarray(rank_value, float)
    area = np.asarray(area, float)
    observed = np.asarray(observed, float)
    total = observed.sum()
    if total <= 0:
        return float("nan")
    keys, inverse = np.unique(-np.round(rank_value, 12), return_inverse=True)
    block_area = np.bincount(inverse, weights=area, minlength=len(keys))
    block_obs = np.bincount(inverse, weights=observed, minlength=len(keys))
    budget = share * area.sum()
    captured = 0.0
    for a, o in zip(block_area, block_obs, strict=True):
        if budget <= 0:
            break
        take = min(1.0, budget / a) if a > 0 else 1.0
        captured += take * o
        budget -= take * a
    return float(captured / total)


def pai_pei(rank_value: np.ndarray, area: np.ndarray, observed: np.ndarray,
            shares: Sequence[float], *, oracle_value: np.ndarray | None = None) -> dict:
    """Return ``{"hit_rate", "pai", "pei"}`` keyed by area share (as ``"5%"``...).

    The PEI oracle ranks by ``oracle_value`` (default: observed incidents per km²).
    """
    area = np.asarray(area, float)
    observed = np.asarray(observed, float)
    oracle = observed / area if oracle_value is None else np.asarray(oracle_value, float)
    out: dict[str, dict] = {"hit_rate": {}, "pai": {}, "pei": {}}
    for s in shares:
        key = f"{round(100 * s)}%"
        hit = capture_at_area(rank_value, area, observed, s)
        best = capture_at_area(oracle, area, observed, s)
        out["hit_rate"][key] = hit
        out["pai"][key] = hit / s if np.isfinite(hit) else float("nan")
        out["pei"][key] = hit / best if np.isfinite(hit) and best > 0 else float("nan")
    return out


def poisson_deviance(expected: np.ndarray, observed: np.ndarray) -> float:
    """Mean Poisson deviance per village (``expected`` floored at 1e-9)."""
    mu = np.maximum(np.asarray(expected, float), 1e-9)
    y = np.asarray(observed, float)
    term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return float(np.mean(2.0 * (term - (y - mu))))


def calibration_by_class(expected: np.ndarray, observed: np.ndarray,
                         classes: Sequence[str]) -> dict:
    """Return per class: villages, expected and observed totals and observed/expected."""
    classes = np.asarray(classes)
    out = {}
    for name in CLASS_NAMES:
        m = classes == name
        e, o = float(np.sum(np.asarray(expected)[m])), float(np.sum(np.asarray(observed)[m]))
        out[name] = {"villages": int(m.sum()), "expected": e, "observed": o,
                     "observed_over_expected": (o / e) if e > 0 else None}
    return out


def sangat_rawan_hits(observed: np.ndarray, classes: Sequence[str]) -> dict:
    """Hit rate of the sangat rawan class: share of incidents in it, and of its villages hit."""
    classes = np.asarray(classes)
    observed = np.asarray(observed, float)
    m = classes == "sangat_rawan"
    total = observed.sum()
    return {
        "villages": int(m.sum()),
        "share_of_incidents": float(observed[m].sum() / total) if total > 0 else None,
        "share_of_villages_with_incident": float((observed[m] > 0).mean()) if m.any() else None,
    }


def evaluate_map(expected: np.ndarray, observed: np.ndarray, area: np.ndarray, *,
                 classes: Sequence[str] | None, shares: Sequence[float],
                 oracle_value: np.ndarray | None = None) -> dict:
    """All figures of one map (expected counts per village) against observed counts."""
    expected = np.asarray(expected, float)
    out = pai_pei(expected / area, area, observed, shares, oracle_value=oracle_value)
    out["poisson_deviance"] = poisson_deviance(expected, observed)
    out["expected_total"] = float(expected.sum())
    out["observed_total"] = float(np.sum(observed))
    if classes is not None:
        out["sangat_rawan_hit"] = sangat_rawan_hits(observed, classes)
        out["calibration"] = calibration_by_class(expected, observed, classes)
    return out


def scale_baseline(score: np.ndarray, total: float, *, floor_share: float = 0.01) -> np.ndarray:
    """Turn a baseline's scores into expected counts summing to ``total``.

    ``floor_share`` of the total is spread evenly so that no village is impossible (finite
    deviance); the rest follows the scores (evenly if they are all zero).
    """
    score = np.clip(np.asarray(score, float), 0.0, None)
    n = len(score)
    if n == 0:
        return score
    even = np.full(n, total / n)
    if score.sum() <= 0:
        return even
    return floor_share * even + (1.0 - floor_share) * total * score / score.sum()


def rounded(value, ndigits: int = 4):
    """Round every float inside nested dicts and lists (NaN becomes None)."""
    if isinstance(value, Mapping):
        return {str(k): rounded(v, ndigits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, ndigits) for v in value]
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else round(float(value), ndigits)
    if isinstance(value, np.integer):
        return int(value)
    return value


def rolling_origin_backtest(
    origins: Sequence[tuple],
    *,
    predict: Callable[[tuple], dict],
    observed: Callable[[tuple], np.ndarray],
    baselines: Callable[[tuple], dict[str, np.ndarray]],
    area: np.ndarray,
    classify: Callable[[np.ndarray, tuple], np.ndarray],
    shares: Sequence[float],
) -> dict:
    """Backtest a map-maker on past windows (origins), each scored only with earlier data.

    Parameters
    ----------
    origins
        ``(name, stage, start, end)`` windows to forecast.
    predict
        ``origin -> {"expected": array, "model": str}``: the map made as of the origin's start.
    observed
        ``origin -> counts per village`` in the window.
    baselines
        ``origin -> {name: score array}`` (expected counts get scaled to the model's total).
    classify
        ``(expected, origin) -> class per village``, with the class rule as it stood at the
        origin's start (thresholds from earlier windows only).
    """
    results = []
    for origin in origins:
        obs = observed(origin)
        pred = predict(origin)
        exp = pred["expected"]
        entry = {"election": origin[0], "stage": origin[1],
                 "start": str(np.datetime64(origin[2], "D")),
                 "end": str(np.datetime64(origin[3], "D")),
                 "model": pred["model"], "n_training_windows": pred["n_training_windows"],
                 "observed_incidents": int(obs.sum()),
                 "expected_incidents": float(np.sum(exp))}
        if "expected_before_level" in pred:
            entry["expected_before_level"] = float(np.sum(pred["expected_before_level"]))
        if obs.sum() <= 0:
            entry["note"] = "tidak ada insiden teramati: tidak dapat dinilai"
            results.append(entry)
            continue
        classes = classify(exp, origin)
        entry["model_figures"] = evaluate_map(exp, obs, area, classes=classes, shares=shares)
        entry["baselines"] = {}
        for name, score in baselines(origin).items():
            b_exp = scale_baseline(score, float(exp.sum()))
            entry["baselines"][name] = evaluate_map(
                b_exp, obs, area, classes=classify(b_exp, origin), shares=shares)
        results.append(entry)
    return {"origins": results, "summary": summarise(results, shares),
            "level_calibration": level_calibration(results)}


def level_calibration(results: Sequence[Mapping]) -> dict:
    """Observed / expected stage totals over the origins, before and after the recalibration
    to the recent level (pooled over the origins; ``None`` without origins)."""
    obs = float(sum(r["observed_incidents"] for r in results))
    after = float(sum(r.get("expected_incidents", 0.0) for r in results))
    before = float(sum(r.get("expected_before_level", r.get("expected_incidents", 0.0))
                       for r in results))
    return {"origins": len(results), "observed": obs, "expected_before": before,
            "expected_after": after,
            "observed_over_expected_before": obs / before if before > 0 else None,
            "observed_over_expected_after": obs / after if after > 0 else None}


def summarise(results: Sequence[Mapping], shares: Sequence[float]) -> dict:
    """Mean PEI/PAI/hit rate and pooled calibration over the evaluated origins."""
    done = [r for r in results if "model_figures" in r]
    if not done:
        return {"evaluated_origins": 0}

    def mean_of(get) -> dict:
        out = {}
        for s in shares:
            key = f"{round(100 * s)}%"
            vals = [get(r)[key] for r in done if get(r)[key] is not None]
            vals = [v for v in vals if np.isfinite(v)]
            out[key] = float(np.mean(vals)) if vals else None
        return out

    summary: dict = {"evaluated_origins": len(done), "model": {}, "baselines": {}}
    for metric in ("pei", "pai", "hit_rate"):
        summary["model"][metric] = mean_of(lambda r, m=metric: r["model_figures"][m])
    summary["model"]["poisson_deviance"] = float(
        np.mean([r["model_figures"]["poisson_deviance"] for r in done]))
    pooled = {}
    for name in CLASS_NAMES:
        e = sum(r["model_figures"]["calibration"][name]["expected"] for r in done)
        o = sum(r["model_figures"]["calibration"][name]["observed"] for r in done)
        pooled[name] = {"expected": e, "observed": o,
                        "observed_over_expected": (o / e) if e > 0 else None}
    summary["model"]["calibration_pooled"] = pooled
    for name in done[0]["baselines"]:
        b = {}
        for metric in ("pei", "pai", "hit_rate"):
            b[metric] = mean_of(lambda r, m=metric, n=name: r["baselines"][n][m])
        b["poisson_deviance"] = float(
            np.mean([r["baselines"][name]["poisson_deviance"] for r in done]))
        summary["baselines"][name] = b
    return summary
