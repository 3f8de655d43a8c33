"""Every command has --help with an example; errors are one line with the fix."""

from __future__ import annotations

import socket
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archive.cli import cli

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"`newsarchive {name} --help` needs an example"


def test_core_commands_exist() -> None:
    assert {"crawl", "demo", "search", "show", "extract"} <= set(COMMANDS)


def test_search_without_archive_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "x", "--data", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "No archive database" in result.output
    assert "newsarchive crawl" in result.output


def test_unwritable_data_dir_fails_at_start(tmp_path: Path) -> None:
    # a file where a folder should be: unwritable even for root, who ignores permissions
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = blocker / "data"
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:9/", "--data", str(target)])
    assert result.exit_code == 2, result.output
    assert str(target) in result.output, "the message names the path"
    assert "--data" in result.output, "the message says how to fix it"


def test_bad_sites_file_names_key(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "x"\nurl = "https://x.example/"\nfrobnicate = 1\n')
    result = CliRunner().invoke(cli, ["crawl", "--sites", str(sites), "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "frobnicate" in result.output
    assert str(sites) in result.output


def test_click_group_is_click() -> None:
    assert isinstance(cli, click.Group)


def test_demo_single_has_one_revision(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["demo", "--single", "--revision", "2", "--data", str(tmp_path)]
    )
    assert result.exit_code == 2, result.output
    assert "--single" in result.output


def test_demo_port_taken_says_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.3.2", 0))  # the second site's address: the first binds, then fails
        taken.listen()
        port = str(taken.getsockname()[1])
        result = CliRunner().invoke(cli, ["demo", "--port", port, "--data", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert f"port {port}" in result.output
    assert "--port" in result.output
