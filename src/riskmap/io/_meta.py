"""Reading and validating region.yaml against ``schemas/region.schema.yaml``."""

from __future__ import annotations

import copy
import difflib
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from riskmap._errors import Problem

STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")
META_DEFAULTS: dict[str, Any] = {
    "synthetic": False,
    "past_elections": [],
    "columns": {},
    "fix_swapped_coordinates": False,
    "trust_tps_location": "village_code",
}


class _NoDatesLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (so a wrong date is reported, not a crash)."""


_NoDatesLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_HINTS = {
    "id": {
        "code": "tulis dengan tanda kutip, mis. code: \"62.10\" (tanpa kutip YAML membacanya 62.1)",
        "date": "tanggal ISO YYYY-MM-DD, mis. 2024-02-14",
        "stages": "nama tahapan: campaign, quiet_period, voting, recapitulation, announcement",
        "default": "lihat contoh region.yaml dari `riskmap init DIR`",
    },
    "en": {
        "code": "quote it, e.g. code: \"62.10\" (unquoted, YAML reads 62.1)",
        "date": "an ISO date YYYY-MM-DD, e.g. 2024-02-14",
        "stages": "stage names: campaign, quiet_period, voting, recapitulation, announcement",
        "default": "see the region.yaml written by `riskmap init DIR`",
    },
}


def schema_problems(data: Any, *, lang: str = "en") -> list[tuple[str, str, Any, str, str]]:
    """Every violation of the schema as ``(path, message, value, description, validator)``."""
    from riskmap.config import load_schema

    schema = load_schema("region.schema.yaml")
    validator = jsonschema.validators.validator_for(schema)(schema)
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path]):
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        value = err.instance if not isinstance(err.instance, dict | list) else None
        message = _translate(err) if lang == "id" else err.message
        out.append((where, message, value, str(err.schema.get("description", ""))
                    if isinstance(err.schema, dict) else "", str(err.validator)))
    return out


_TYPES = {"string": "teks", "integer": "bilangan bulat", "number": "angka",
          "boolean": "true/false", "array": "daftar", "object": "pemetaan (kunci: nilai)"}


def _translate(err: jsonschema.ValidationError) -> str:
    """The schema violation in Bahasa Indonesia (the common cases; else jsonschema's text)."""
    v, vv = err.validator, err.validator_value
    if v == "required":
        missing = [k for k in vv if isinstance(err.instance, dict) and k not in err.instance]
        return "kunci wajib tidak ada: " + ", ".join(missing)
    if v == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set((err.schema or {}).get("properties", {}))
        extra = sorted(str(k) for k in err.instance if k not in allowed)
        return "kunci tidak dikenal: " + ", ".join(extra)
    if v == "type":
        return f"{err.instance!r} bukan {_TYPES.get(vv, vv)}"
    if v == "enum":
        return f"{err.instance!r} bukan salah satu dari: " + ", ".join(map(str, vv))
    if v == "pattern":
        return f"{err.instance!r} tidak sesuai format"
    if v == "minimum":
        return f"{err.instance!r} lebih kecil dari {vv}"
    if v == "minLength":
        return "teks kosong"
    if v == "minProperties":
        return "kosong"
    return err.message


def load_schema_properties() -> dict[str, Any]:
    """The top-level keys of region.yaml with their schemas."""
    from riskmap.config import load_schema

    return load_schema("region.schema.yaml")["properties"]


def parse_region_yaml(text: str) -> Any:
    """Parse region.yaml text, keeping dates as strings; raise ``yaml.YAMLError`` if invalid."""
    return yaml.load(text, Loader=_NoDatesLoader)  # noqa: S506 (a SafeLoader subclass)


def validate_meta(data: Any, *, file: str = "region.yaml",
                  lang: str = "id") -> tuple[dict[str, Any], list[Problem]]:
    """Validate parsed region.yaml; return the completed meta dict and the fatal problems.

    The meta gets the defaults of the optional keys and every stage's ``personnel`` filled
    from the top-level value when absent.
    """
    hints = _HINTS["en" if lang == "en" else "id"]
    if not isinstance(data, dict):
        return {}, [Problem.make("bad_region_yaml", file, detail=f"{type(data).__name__}",
                                 expected="name, code, personnel, stages",
                                 hint=hints["default"])]
    problems = []
    for where, message, value, description, check in schema_problems(data, lang=lang):
        top = where.split(".")[0]
        hint = hints["default"]
        if top == "code":
            hint = hints["code"]
        elif where.endswith(("start", "end")):
            hint = hints["date"]
        elif top in ("stages", "past_elections") and check == "enum":
            hint = hints["stages"]
        if where == "(top level)":
            keys = list(load_schema_properties())
            description = ", ".join(keys)
            unexpected = (sorted(str(k) for k in data if k not in keys)
                          if check == "additionalProperties" else [])
            close = [m for u in unexpected for m in difflib.get_close_matches(u, keys, n=1)]
            if close:
                hint = (f"maksud Anda `{close[0]}`?" if lang != "en"
                        else f"did you mean `{close[0]}`?")
        problems.append(Problem.make(
            "bad_region_yaml", file, column=where, value=None if value is None else str(value),
            detail=message, expected=" ".join((description or "-").split()), hint=hint))
    if problems:
        return {}, problems
    meta = copy.deepcopy(data)
    for key, default in META_DEFAULTS.items():
        meta.setdefault(key, copy.deepcopy(default))
    calendars = [("", meta["stages"])] + [
        (f"{e['name']}: ", e["stages"]) for e in meta["past_elections"]
    ]
    for prefix, stages in calendars:
        for stage, w in stages.items():
            try:
                start, end = date.fromisoformat(w["start"]), date.fromisoformat(w["end"])
            except ValueError as exc:
                problems.append(Problem.make(
                    "bad_region_yaml", file, column=f"{prefix}stages.{stage}",
                    value=f"{w['start']} .. {w['end']}", detail=str(exc),
                    expected="YYYY-MM-DD", hint=hints["date"]))
                continue
            if start > end:
                problems.append(Problem.make("stage_dates", file, column=f"{prefix}stages.{stage}",
                                             stage=stage, start=w["start"], end=w["end"]))
    for w in meta["stages"].values():
        w.setdefault("personnel", meta["personnel"])
    meta["stages"] = {s: meta["stages"][s] for s in STAGES if s in meta["stages"]}
    return meta, problems


def read_meta(path: Path, *, lang: str = "id") -> tuple[dict[str, Any], list[Problem]]:
    """Read and validate ``region.yaml``; return ``(meta, fatal problems)``."""
    file = Path(path).name
    try:
        data = parse_region_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem.make("unreadable_file", file, detail=str(exc),
                                 expected="YAML UTF-8")]
    except yaml.YAMLError as exc:
        detail = str(exc).replace("\n", " ")
        return {}, [Problem.make("unreadable_file", file, detail=detail,
                                 expected="YAML (key: value)")]
    return validate_meta(data, file=file, lang=lang)
