"""Config validation and per-stage overrides."""

from pathlib import Path

import pytest
import yaml

from riskmap.config import (
    STAGES,
    ConfigError,
    coerce_flags,
    deep_merge,
    load_stage_overrides,
    region_stages,
    stage_config,
    validate_config,
)

REPO = Path(__file__).resolve().parents[1]


def shipped_config():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def test_shipped_config_and_every_stage_validate():
    config = shipped_config()
    validate_config(config)
    overrides = load_stage_overrides(REPO / "config" / "stages")
    for stage in STAGES:
        merged = stage_config(config, overrides, stage)
        assert set(merged) == {
            "ingest",
            "features",
            "model",
            "classes",
            "allocation",
            "reach",
            "map",
            "summary",
            "briefing",
        }


def test_unknown_top_level_key_is_named():
    config = shipped_config()
    config["colour"] = "red"
    with pytest.raises(ConfigError, match="colour"):
        validate_config(config)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("false", False), ("False", False), ("no", False), (0, False), ("true", True), (1, True),
     (True, True)],
)
def test_command_line_switches_become_booleans(given, expected):
    # snakemake --config briefing_pack=false passes the text "false" (1 and 0 as integers)
    config = shipped_config()
    config["briefing_pack"] = config["warm_start"] = given
    config["region"] = "false"  # not a switch: stays text
    coerce_flags(config)
    assert config["briefing_pack"] is expected and config["warm_start"] is expected
    assert config["region"] == "false"
    validate_config(config)


def test_a_switch_that_is_not_yes_or_no_is_named():
    config = shipped_config()
    config["briefing_pack"] = "sometimes"
    coerce_flags(config)
    with pytest.raises(ConfigError, match="briefing_pack"):
        validate_config(config)


def test_stage_override_with_unknown_section_is_named(tmp_path):
    (tmp_path / "voting.yaml").write_text("alocation: {}\n")
    with pytest.raises(ConfigError, match="alocation"):
        load_stage_overrides(tmp_path)


def test_deep_merge_keeps_untouched_keys():
    assert deep_merge({"a": {"b": 1, "c": {"d": 2}}}, {"a": {"c": {"d": 3}}}) == {
        "a": {"b": 1, "c": {"d": 3}}
    }


def test_region_stages_in_election_order(tmp_path):
    (tmp_path / "region.yaml").write_text(
        "stages:\n  voting: {start: 2024-02-14, end: 2024-02-14}\n"
        "  campaign: {start: 2023-11-28, end: 2024-02-10}\n"
    )
    assert region_stages(tmp_path) == ["campaign", "voting"]


@pytest.mark.parametrize(
    "text, needle",
    [
        ("stages:\n  pemungutan: {start: 2024-02-14, end: 2024-02-14}\n", "pemungutan"),
        ("name: x\n", "stages"),
        ("stages: [\n", "not valid YAML"),
    ],
)
def test_region_stages_errors_name_the_problem(tmp_path, text, needle):
    (tmp_path / "region.yaml").write_text(text)
    with pytest.raises(ConfigError, match=needle):
        region_stages(tmp_path)


def test_missing_region_yaml(tmp_path):
    with pytest.raises(ConfigError, match="region.yaml not found"):
        region_stages(tmp_path)
