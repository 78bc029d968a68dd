"""`moodseq completion bash|zsh|fish [--install]`: the script, real completion, idempotent install."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.cli.commands.completion import BEGIN, END, with_block
from sequencer.cli.main import cli

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, prog_name="moodseq")
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _moodseq_completion moodseq"),
        ("zsh", "#compdef moodseq"),
        ("fish", "complete --no-files --command moodseq"),
    ],
)
def test_prints_the_script(shell: str, marker: str) -> None:
    """Each shell gets click's script for `moodseq`, calling back with _MOODSEQ_COMPLETE."""
    code, out, err = _run("completion", shell)
    assert code == 0 and err == ""
    assert marker in out
    assert f"_MOODSEQ_COMPLETE={shell}_complete" in out


def test_unknown_shell_is_a_usage_error() -> None:
    """A shell click cannot complete for: exit 2 with the choices."""
    code, out, err = _run("completion", "tcsh")
    assert code == 2 and out == ""
    assert "'bash', 'zsh', 'fish'" in err


def test_the_callback_completes_commands() -> None:
    """What the script calls (`_MOODSEQ_COMPLETE=bash_complete moodseq`) lists matching commands."""
    env = {"_MOODSEQ_COMPLETE": "bash_complete", "COMP_WORDS": "moodseq comp", "COMP_CWORD": "1"}
    code, out, _ = _run(env=env)
    assert code == 0
    assert out.split() == ["plain,compare", "plain,completion"]


@pytest.mark.parametrize(
    "words",
    [
        "moodseq reorder --profile ni",
        "moodseq explain x.json --profile ni",
        "moodseq export x.json --profile ni",
        "moodseq compare a.json b.json --profile ni",
    ],
)
def test_every_profile_option_completes_profile_names(words: str) -> None:
    """`--profile <TAB>` of reorder, explain, export and compare offers profile names (it
    offered nothing, as build's PROFILE and history's --profile did)."""
    env = {"_MOODSEQ_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    code, out, _ = _run(env=env)
    assert code == 0
    assert "plain,night-drive" in out.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_really_completes(tmp_path: Path) -> None:
    """In a real bash, the sourced script completes `moodseq comp<TAB>` and `moodseq completion <TAB>`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "moodseq"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sequencer "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    script = tmp_path / "moodseq.bash"
    script.write_text(_run("completion", "bash")[1], encoding="utf-8")
    program = (
        f'source "{script}"\n'
        "COMP_WORDS=(moodseq comp); COMP_CWORD=1; _moodseq_completion moodseq\n"
        'echo "${COMPREPLY[*]}"; COMPREPLY=()\n'
        "COMP_WORDS=(moodseq completion ''); COMP_CWORD=2; _moodseq_completion moodseq\n"
        'echo "${COMPREPLY[*]}"\n'
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert out.stdout.splitlines() == ["compare completion", "bash zsh fish"]


def test_install_bash_is_idempotent(tmp_path: Path) -> None:
    """--install adds one marked block to ~/.bashrc, keeps what was there, and replaces it on rerun."""
    home = tmp_path / "home"
    home.mkdir()
    rc = home / ".bashrc"
    rc.write_text("alias ll='ls -l'\n", encoding="utf-8")
    for _ in range(2):
        code, out, err = _run("completion", "bash", "--install", env={"HOME": str(home)})
        assert code == 0 and out == ""
        assert f"installed bash completion in {rc}" in err
    text = rc.read_text(encoding="utf-8")
    assert text.startswith("alias ll='ls -l'\n\n" + BEGIN + "\n")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert _run("completion", "bash")[1].rstrip() in text


def test_install_zsh_uses_zdotdir(tmp_path: Path) -> None:
    """zsh: $ZDOTDIR/.zshrc when ZDOTDIR is set; a note about compinit on stderr."""
    zdot = tmp_path / "zdot"
    code, _, err = _run("completion", "zsh", "--install", env={"HOME": str(tmp_path), "ZDOTDIR": str(zdot)})
    assert code == 0
    assert (zdot / ".zshrc").read_text(encoding="utf-8").startswith(BEGIN)
    assert "compinit" in err
    assert not (tmp_path / ".zshrc").exists()


def test_install_fish_writes_its_completions_file(tmp_path: Path) -> None:
    """fish: the script is the whole of ~/.config/fish/completions/moodseq.fish (no XDG_CONFIG_HOME)."""
    code, _, _ = _run("completion", "fish", "--install", env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": ""})
    assert code == 0
    target = tmp_path / ".config" / "fish" / "completions" / "moodseq.fish"
    assert target.read_text(encoding="utf-8").strip() == _run("completion", "fish")[1].strip()


def test_install_fish_follows_xdg_config_home(tmp_path: Path) -> None:
    """fish: $XDG_CONFIG_HOME/fish/completions/moodseq.fish when XDG_CONFIG_HOME is set."""
    xdg = tmp_path / "xdg"
    code, _, _ = _run("completion", "fish", "--install", env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(xdg)})
    assert code == 0
    assert (xdg / "fish" / "completions" / "moodseq.fish").is_file()
    assert not (tmp_path / ".config").exists()


def test_every_test_has_its_own_home_and_no_xdg_folders(tmp_path: Path) -> None:
    """The autouse fixture: HOME inside this test's tmp_path, no XDG_*/ZDOTDIR from the real user."""
    assert Path(os.environ["HOME"]).is_relative_to(tmp_path)
    assert not [name for name in os.environ if name.startswith("XDG_") or name == "ZDOTDIR"]
    assert Path(os.environ["MOODSEQ_CONFIG_DIR"]).is_relative_to(tmp_path)


def test_with_block_replaces_only_its_block() -> None:
    """Text before and after an old block survives; the old script is gone."""
    old = f"a\n{BEGIN}\nold script\n{END}\nb\n"
    new = with_block(old, "new script\n")
    assert new == f"a\n{BEGIN}\nnew script\n{END}\nb\n"
    assert with_block("", "s") == f"{BEGIN}\ns\n{END}\n"
    assert with_block("x", "s") == f"x\n\n{BEGIN}\ns\n{END}\n"
