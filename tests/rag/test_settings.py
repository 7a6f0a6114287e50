"""A bad RAG_* value is one readable line and exit 2, in every command (issue: chat)."""

from __future__ import annotations

import pytest

from rag.errors import ConfigError
from rag.settings import Settings
from tests.conftest import run_cli

COMMANDS = [
    ["doctor"],
    ["ingest"],
    ["sources"],
    ["ask", "Qui ?"],
    ["remove", "x"],
    ["eval"],
    ["bench", "ask"],
    ["serve"],
]
BAD = [
    ("RAG_TOP_K", "abc", "an integer >= 1 and <= 50"),
    ("RAG_RETRIEVAL_MODE", "bogus", "one of hybrid, dense, keyword"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(("var", "value", "allowed"), BAD, ids=lambda v: str(v))
def test_a_bad_setting_is_one_error_line_naming_it_and_its_values(
    command, var, value, allowed, tmp_path
):
    r = run_cli(*command, env={var: value, "RAG_DATA_DIR": str(tmp_path)}, timeout=60)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [f"error: {var}={value!r} is not valid: expected {allowed}"]
    assert "Traceback" not in r.stdout


def test_every_bad_value_is_named_at_once_and_a_key_is_never_echoed(monkeypatch):
    monkeypatch.setenv("RAG_OFFLINE", "maybe")
    monkeypatch.setenv("RAG_PORT", "99999")
    with pytest.raises(ConfigError) as e:
        Settings(api_key=["s3cr3t"])  # type: ignore[arg-type]
    message = str(e.value)
    assert "\n" not in message
    assert "RAG_OFFLINE='maybe' is not valid: expected true or false" in message
    assert "RAG_PORT='99999' is not valid: expected an integer >= 1 and <= 65535" in message
    assert "RAG_API_KEY is not valid: expected text" in message
    assert "s3cr3t" not in message
