"""Workflow configuration: JSON-schema validation and per-stage overrides.

``config/config.yaml`` holds the method defaults, one section per step; each
``config/stages/<stage>.yaml`` holds only what differs for that stage and is deep-merged over
the defaults. The schemas live in ``riskmap/schemas`` (``workflow/schemas`` points there).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource

STAGES = ("campaign", "quiet_period", "voting", "recapitulation", "announcement")
SECTIONS = ("ingest", "features", "model", "classes", "allocation", "reach", "map", "summary",
            "briefing")


class ConfigError(ValueError):
    """A configuration file breaks its schema; the message lists every problem."""


#: libyaml's safe loader when PyYAML has it (same result, ~20x faster: the schemas are read by
#: every step), else the pure-Python one.
_FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _schema_texts() -> dict[str, dict]:
    root = resources.files("riskmap") / "schemas"
    return {
        p.name: yaml.load(p.read_text(encoding="utf-8"), Loader=_FAST_SAFE_LOADER)  # noqa: S506
        for p in root.iterdir()
        if p.name.endswith(".schema.yaml")
    }


def load_schema(name: str) -> dict:
    """Return the schema ``name`` (for example ``"config.schema.yaml"``) as a dict."""
    return copy.deepcopy(_schema_texts()[name])


def _registry() -> Registry:
    return Registry().with_resources(
        (name, Resource.from_contents(text)) for name, text in _schema_texts().items()
    )


def schema_errors(instance: Any, schema_name: str) -> list[str]:
    """Return every violation of ``schema_name`` by ``instance`` as ``"path: message"`` lines."""
    schema = _schema_texts()[schema_name]
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema, registry=_registry())
    lines = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        lines.append(f"{where}: {err.message}")
    return lines


def _schema_defaults(schema: Mapping[str, Any]) -> Any:
    if "properties" in schema:
        base = copy.deepcopy(dict(schema.get("default", {})))
        for key, sub in schema["properties"].items():
            if "default" in sub or "properties" in sub:
                base[key] = _schema_defaults(sub)
        return base
    return copy.deepcopy(schema.get("default"))


def section_defaults(name: str) -> dict[str, Any]:
    """Return the defaults of config section ``name``, as its schema declares them.

    The schemas are the single source of the defaults: ``config/config.yaml`` spells them out
    for the reader, and the package falls back on them when a section or key is left out.

    Examples
    --------
    >>> section_defaults("allocation")["team_size"]
    2
    """
    return _schema_defaults(_schema_texts()[f"section_{name}.schema.yaml"])


def section_settings(section: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    """Return section ``name`` with every missing key from its schema's default, validated.

    Raises
    ------
    ConfigError
        When the merged section breaks its schema (every problem listed).
    """
    schema_name = f"section_{name}.schema.yaml"
    merged = deep_merge(section_defaults(name), dict(section or {}))
    problems = schema_errors(merged, schema_name)
    if problems:
        msg = f"config section '{name}' breaks its schema:\n  - " + "\n  - ".join(problems)
        raise ConfigError(msg)
    return merged


#: Top-level switches that a command line gives as text (``--config briefing_pack=false``).
FLAG_KEYS = ("warm_start", "briefing_pack")
_TRUTH = {"true": True, "yes": True, "on": True, "1": True,
          "false": False, "no": False, "off": False, "0": False}


def coerce_flags(config: MutableMapping[str, Any]) -> None:
    """Turn the command line's text for the :data:`FLAG_KEYS` switches into booleans, in place.

    Snakemake passes ``--config warm_start=false`` as the text ``"false"`` (and ``1`` as an
    integer); any other value is left for the schema to name.

    Examples
    --------
    >>> c = {"warm_start": "false", "briefing_pack": "True", "region": "x"}
    >>> coerce_flags(c); c
    {'warm_start': False, 'briefing_pack': True, 'region': 'x'}
    >>> c = {"briefing_pack": 0}; coerce_flags(c); c
    {'briefing_pack': False}
    """
    for key in FLAG_KEYS:
        value = config.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            config[key] = _TRUTH.get(str(value).strip().lower(), value)


def validate_config(config: Mapping[str, Any], *, source: str = "config/config.yaml") -> None:
    """Raise :class:`ConfigError` naming every key of ``config`` that breaks the schema."""
    problems = schema_errors(dict(config), "config.schema.yaml")
    if problems:
        msg = f"{source} does not match workflow/schemas/config.schema.yaml:\n  - " + "\n  - ".join(
            problems
        )
        raise ConfigError(msg)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``override`` merged in: mappings recursively, anything else replaced.

    Examples
    --------
    >>> deep_merge({"a": {"x": 1, "y": 2}, "b": 1}, {"a": {"y": 3}})
    {'a': {'x': 1, 'y': 3}, 'b': 1}
    """
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_stage_overrides(stages_dir: Path) -> dict[str, dict]:
    """Read ``<stages_dir>/<stage>.yaml`` for every known stage (missing file: no override)."""
    overrides: dict[str, dict] = {}
    for stage in STAGES:
        path = Path(stages_dir) / f"{stage}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        data = data or {}
        if not isinstance(data, Mapping):
            raise ConfigError(f"{path}: expected a mapping of sections, got {type(data).__name__}")
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise ConfigError(
                f"{path}: unknown section(s) {', '.join(unknown)}; "
                f"expected some of {', '.join(SECTIONS)}"
            )
        overrides[stage] = dict(data)
    return overrides


def stage_config(
    config: Mapping[str, Any], overrides: Mapping[str, Mapping], stage: str
) -> dict[str, Any]:
    """Return the sections of ``config`` with the stage's overrides merged in, validated."""
    base = {key: config.get(key, {}) for key in SECTIONS}
    merged = deep_merge(base, overrides.get(stage, {}))
    problems = schema_errors(
        {
            "region": str(config.get("region", "")),
            "results": str(config.get("results", "")),
            **merged,
        },
        "config.schema.yaml",
    )
    if problems:
        msg = (
            f"config/stages/{stage}.yaml (merged over config/config.yaml) breaks the schema:\n  - "
        )
        raise ConfigError(msg + "\n  - ".join(problems))
    return merged


def region_stages(region_dir: Path) -> list[str]:
    """Return the stages listed in ``region_dir/region.yaml``, in election order.

    Only what the workflow needs to plan its jobs is checked here; the ingest step validates
    the whole file against its schema and reports every problem.
    """
    path = Path(region_dir) / "region.yaml"
    if not path.is_file():
        raise ConfigError(
            f"{path}: region.yaml not found (the region folder needs one; "
            "`riskmap init DIR` writes a template)"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    stages = data.get("stages") if isinstance(data, Mapping) else None
    if not isinstance(stages, Mapping) or not stages:
        raise ConfigError(
            f"{path}: key 'stages' must map stage names ({', '.join(STAGES)}) "
            "to {start, end} dates"
        )
    unknown = sorted(str(s) for s in stages if s not in STAGES)
    if unknown:
        raise ConfigError(
            f"{path}: unknown stage(s) {', '.join(unknown)}; stage keys are {', '.join(STAGES)}"
        )
    return [s for s in STAGES if s in stages]


def discover_regions(regions_dir: Path) -> list[str]:
    """Return the names of the region folders in ``regions_dir``, sorted.

    A region folder is a sub-folder holding a ``region.yaml``. Folders whose name starts with
    ``.`` or ``_`` are skipped (``_summary`` is the roll-up's name in the results).

    Raises
    ------
    ConfigError
        When ``regions_dir`` is not a folder or holds no region folder.
    """
    root = Path(regions_dir)
    if not root.is_dir():
        raise ConfigError(f"{root}: regions folder not found (config key 'regions')")
    names = sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and (p / "region.yaml").is_file()
    )
    if not names:
        raise ConfigError(
            f"{root}: no region folder found (expected sub-folders each holding a region.yaml)"
        )
    return names


def region_stages_checked(region_dir: Path) -> tuple[list[str], str]:
    """Return the stages of ``region_dir/region.yaml`` and ``""``, or ``[]`` and the problem.

    In a many-region run one unusable region must not stop the others: its own job reports
    why (the ingest step validates the whole folder) and the summary lists it.

    Examples
    --------
    >>> region_stages_checked(Path("/nonexistent"))[1].endswith("writes a template)")
    True
    """
    try:
        return region_stages(region_dir), ""
    except ConfigError as exc:
        return [], str(exc)
    except (OSError, UnicodeDecodeError) as exc:
        return [], f"{Path(region_dir) / 'region.yaml'}: cannot be read ({exc})"
