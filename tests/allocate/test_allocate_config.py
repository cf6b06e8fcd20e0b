"""The allocation and reach config sections: schema defaults, project config, stage overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from riskmap.config import (
    ConfigError,
    load_schema,
    load_stage_overrides,
    section_defaults,
    section_settings,
    stage_config,
)

ROOT = Path(__file__).resolve().parents[2]


def _walk(schema, path=""):
    """Yield (path, subschema) of every property in the schema (following local $defs)."""
    defs = schema.get("$defs", {})

    def resolve(node):
        if "$ref" in node and node["$ref"].startswith("#/$defs/"):
            return {**defs[node["$ref"].split("/")[-1]],
                    **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def rec(node, where):
        for key, sub in resolve(node).get("properties", {}).items():
            yield f"{where}.{key}", resolve(sub)
            yield from rec(sub, f"{where}.{key}")

    yield from rec(schema, path)


@pytest.mark.parametrize("name", ["allocation", "reach"])
def test_every_key_has_a_description_and_a_default(name):
    schema = load_schema(f"section_{name}.schema.yaml")
    assert schema["additionalProperties"] is False
    for where, sub in _walk(schema, name):
        assert sub.get("description"), f"{where} has no description"
        assert "default" in sub, f"{where} has no default"


@pytest.mark.parametrize("name", ["allocation", "reach"])
def test_project_config_block_matches_the_schema_defaults_it_sets(name):
    """config/config.yaml mirrors the schema: every key it sets, at any depth, holds the
    schema's default (the package falls back on the schema, so a drift would mean the
    documented file and the run disagree)."""
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    defaults = section_settings({}, name)
    assert defaults == section_defaults(name)

    def leaves(node, where):
        for key, value in node.items():
            if isinstance(value, dict) and value:
                yield from leaves(value, (*where, key))
            else:
                yield (*where, key), value

    for path, value in leaves(cfg[name], (name,)):
        default = defaults
        for key in path[1:]:
            assert key in default, f"{'.'.join(path)} has no schema default"
            default = default[key]
        assert value == default, f"{'.'.join(path)}: config.yaml {value!r}, schema {default!r}"
    assert section_settings(cfg[name], name) == defaults


def test_stage_overrides_are_valid_and_change_the_radius():
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    overrides = load_stage_overrides(ROOT / "config" / "stages")
    voting = stage_config(cfg, overrides, "voting")["allocation"]
    announcement = stage_config(cfg, overrides, "announcement")["allocation"]
    assert voting["demand"]["tps_stages"] == ["voting"]
    assert announcement["radius_km"] >= voting["radius_km"]
    assert announcement["reserve_share"] >= voting["reserve_share"]
    for stage in ("campaign", "quiet_period", "voting", "recapitulation", "announcement"):
        section_settings(stage_config(cfg, overrides, stage)["allocation"], "allocation")


@pytest.mark.parametrize(("section", "bad", "where"), [
    ({"team_size": 0}, "allocation", "team_size"),
    ({"reserve_share": 1.5}, "allocation", "reserve_share"),
    ({"solver": {"name": "gurobi"}}, "allocation", "solver.name"),
    ({"demand": {"tps_stages": ["pilkada"]}}, "allocation", "demand.tps_stages"),
    ({"terrain": {"road": {"detour": 0.5, "speed_kmh": 40}}}, "reach", "terrain.road.detour"),
    ({"max_minute": 60}, "reach", "max_minute"),
])
def test_bad_values_name_the_key(section, bad, where):
    with pytest.raises(ConfigError) as err:
        section_settings(section, bad)
    assert where.split(".")[-1] in str(err.value)
