"""Metadata read from the real news pages of the shared dev set, gated per field.

The pages are third-party texts: they are read from ``../shared/devset`` at run time,
never copied here. Gates are the figures measured when the rules were written (20/20
titles and dates, 19/20 outlets, 20/20 authors and photo credits) minus a margin of 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.metadata_eval import FIELDS, main, score_metadata

DEVSET = Path(__file__).resolve().parents[2].parent / "shared" / "devset"
GATES = {"title": 19, "date": 19, "outlet": 18, "authors": 19, "photo_credit": 19}

needs_devset = pytest.mark.skipif(
    not (DEVSET / "metadata.jsonl").is_file(),
    reason=f"no dev set at {DEVSET} (the shared folder beside this checkout)",
)


@pytest.fixture(scope="module")
def result() -> dict:
    return score_metadata(DEVSET)


@needs_devset
@pytest.mark.parametrize("field", FIELDS)
def test_field_meets_its_gate(result: dict, field: str):
    failing = [p["doc_id"] for p in result["pages"] if not p["ok"][field]]
    assert result["total"][field] >= GATES[field], f"{field} wrong on {failing}"


@needs_devset
def test_halves_add_up(result: dict):
    assert result["fit"]["n"] + result["held_out"]["n"] == result["n"] == 20
    for field in FIELDS:
        assert result["fit"][field] + result["held_out"][field] == result["total"][field]


@needs_devset
def test_cli_prints_the_table(capsys: pytest.CaptureFixture[str]):
    assert main([str(DEVSET)]) == 0
    out = capsys.readouterr().out
    assert "held_out" in out and "photo_credit" in out


def test_cli_names_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main([str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err
