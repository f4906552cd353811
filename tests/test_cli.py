"""Every command has help with an example; usage errors exit 2."""

from __future__ import annotations

import pytest
import typer.main

from flows.cli import app
from tests.conftest import run_cli

COMMANDS = sorted(typer.main.get_command(app).commands)


def test_top_level_help_has_an_example():
    result = run_cli("--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Example: scrutiny " + command in result.output


def test_missing_input_is_a_usage_error(tmp_path):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["run", str(tmp_path / "nope.pdf"), "--output", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_folder_without_pdfs_is_a_usage_error(tmp_path):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["run", str(tmp_path), "--output", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no PDF files" in result.output


def test_docs_check_passes_on_the_committed_dictionary():
    assert run_cli("docs", "--check").exit_code == 0

