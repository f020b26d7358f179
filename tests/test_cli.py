"""The command line as a user runs it: in a subprocess, with its own (empty) model folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import snapshot

COMMANDS = [
    "init",
    "run",
    "pull",
    "translate",
    "publish",
    "status",
    "check",
    "serve",
    "models",
    "models list",
    "models install",
]


def intl_pub(args: list[str], home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    env["ARGOS_PACKAGES_DIR"] = str(home / "packages")
    return subprocess.run(
        [sys.executable, "-m", "intl_pub.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, tmp_path: Path) -> None:
    result = intl_pub([*command.split(), "--help"], tmp_path, tmp_path)
    assert result.returncode == 0 and "usage: intl-pub" in result.stdout


def test_run_without_models_stops_before_writing_anything(blog: Path, tmp_path: Path) -> None:
    before = snapshot(blog)
    result = intl_pub(["run"], tmp_path / "home", blog)
    assert result.returncode == 1
    assert (
        "no Argos model installed for en→es (for es), en→zh (for zh-Hans), en→ru (for ru)"
        in result.stderr
    )
    assert "intl-pub models install" in result.stderr
    assert snapshot(blog) == before


@pytest.mark.slow
def test_models_install_from_a_folder_then_list(model_files: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    installed = intl_pub(["models", "install", str(model_files)], home, tmp_path)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.count("installed: en→") == 3
    listing = intl_pub(["models", "list"], home, tmp_path)
    assert [line.split("\t")[0] for line in listing.stdout.splitlines()] == [
        "en→es",
        "en→ru",
        "en→zh",
    ]


@pytest.mark.subprocess
def test_models_install_from_the_index_offline_fails_fast_with_the_offline_fix(
    tmp_path: Path,
) -> None:
    env_home = tmp_path / "home"
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network unreachable')\n"
        "socket.socket.connect = refuse\n"
        "import sys; from intl_pub.cli import main; sys.exit(main(['models', 'install']))\n"
    )
    env = dict(
        os.environ,
        XDG_DATA_HOME=str(env_home / "d"),
        XDG_CONFIG_HOME=str(env_home / "c"),
        XDG_CACHE_HOME=str(env_home / "k"),
        ARGOS_PACKAGES_DIR=str(env_home / "p"),
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "cannot read the Argos package index" in result.stderr
    assert "intl-pub models install PATH" in result.stderr


def test_check_fails_on_errors_and_names_file_and_line(blog: Path, tmp_path: Path) -> None:
    po = blog / "translations" / "es" / "post.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
        'msgid "Call <1>111</1> now, not 999."\nmsgstr "Llame al <1>111</1> ahora."\n\n'
        'msgid "Hello world."\nmsgstr "Hola mundo."\n',
        encoding="utf-8",
    )
    result = intl_pub(["check", "--locales", "es"], tmp_path / "home", blog)
    assert result.returncode == 1
    assert (
        "translations/es/post.po:6: error: [numbers] number(s) missing or changed: 999"
        in result.stdout
    )
    assert "1 error(s)" in result.stderr


@pytest.mark.subprocess
def test_check_fails_on_a_token_the_english_lacks_and_on_raw_markup(blog: Path, tmp_path: Path) -> None:
    """Both are escaped on the page, so readers would see literal tags: errors, exit 1."""
    po = blog / "translations" / "es" / "post.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
        'msgid "Read the <1>full report</1>."\nmsgstr "Lea el <1>informe</1> <3>completo</3>."\n\n'
        'msgid "Stay in the shade."\nmsgstr "Quédese a la sombra.</p><script>alert(1)</script>"\n\n'
        'msgid "Use the <p> element, not <br>."\nmsgstr "Use el elemento <p>, no <br>."\n\n'
        'msgid "Señales de calor"\nmsgstr "Señales de\u2028calor"\n',
        encoding="utf-8",
    )
    result = intl_pub(["check", "--locales", "es"], tmp_path / "home", blog)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "[markup]" in line]
    assert [line.split(": ")[0] for line in lines] == ["translations/es/post.po:6",
                                                      "translations/es/post.po:9"], result.stdout
    assert "<3>" in lines[0] and "</3>" in lines[0]
    assert "</p>" in lines[1] and "<script>" in lines[1] and "</script>" in lines[1]
    assert "translations/es/post.po:15: warning: [line-separator] U+2028" in result.stdout
    assert "2 error(s)" in result.stderr


@pytest.mark.subprocess
def test_publish_with_a_base_url_that_is_not_http_with_a_host_is_a_clear_error(
    blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It would be published into canonical links, hreflang, feeds and the sitemap."""
    from intl_pub.core.config import load_settings
    from intl_pub.core.errors import ConfigError

    for bad in ["javascript:alert(1)//", "/news/", "https://", "ftp://news.example/",
                "https://news.example/?x=1", "https://news example/", "https://news.example:99999/"]:
        with pytest.raises(ConfigError, match=r"INTL_PUB_BASE_URL: .*https://news\.example\.org/"):
            load_settings(blog, env={"INTL_PUB_BASE_URL": bad})
    assert load_settings(blog, env={"INTL_PUB_BASE_URL": "https://news.example/x"}).base_url == "https://news.example/x/"
    before = snapshot(blog)
    monkeypatch.setenv("INTL_PUB_BASE_URL", "javascript:alert(1)//")
    result = intl_pub(["publish"], tmp_path / "home", blog)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: INTL_PUB_BASE_URL: 'javascript:alert(1)//' is not an http(s) URL with a host; "
        'give the site\'s address, e.g. "https://news.example.org/"']
    assert snapshot(blog) == before
    monkeypatch.delenv("INTL_PUB_BASE_URL")
    toml = blog / "intl-pub.toml"
    toml.write_text(toml.read_text("utf-8").replace('base_url = "', 'base_url = "javascript:x//" #', 1), "utf-8")
    result = intl_pub(["publish"], tmp_path / "home", blog)
    assert result.returncode == 1 and "intl-pub.toml: [site] base_url: 'javascript:x//'" in result.stderr


@pytest.mark.subprocess
def test_a_catalog_linked_to_a_file_outside_the_work_folder_is_refused_unread(
    blog: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """translations/es/<post>.po -> /etc/passwd (or any file outside): every command that reads
    catalogs refuses it with a clear error and never quotes a byte of it."""
    from dataclasses import replace

    from intl_pub import pipeline
    from intl_pub.core.config import load_settings

    assert pipeline.run(replace(load_settings(blog), engine="pseudo")).ok
    tmp_path = tmp_path_factory.mktemp("elsewhere")
    secret = tmp_path / "secret.po"
    secret.write_text("SECRETWORD and the rest of a private file\n", "utf-8")
    for target in (secret, Path("/etc/passwd")):
        if not target.exists():
            continue
        first = target.read_text("utf-8").split(":")[0].split()[0]
        link = blog / "translations" / "es" / "heat-wave-advice.po"
        link.unlink()
        link.symlink_to(target)
        for command, status in (["check"], 1), (["status"], 1), (["queue"], 0), (["publish"], 1):
            result = intl_pub(command, tmp_path / "home", blog)
            said = result.stdout + result.stderr
            assert result.returncode == status, (command, said)
            assert "translations/es/heat-wave-advice.po is a symbolic link to a file outside the work folder" in said
            assert f"{first}:" not in said and "SECRETWORD" not in said, (command, said)
        assert (blog / "site" / "es" / "heat-wave-advice" / "index.html").exists()  # the last page stays


_PER_POST_MODULES = ("bs4", "feedparser", "intl_pub.qa.verify", "intl_pub.segment.walker",
                     "intl_pub.sources.reader", "importlib.metadata")
"""What only a changed post needs: the HTML parser, the feed and page readers, the verifier
(and the plugins' entry points, which only a plugin's command needs)."""


def _loaded_by(command: list[str], workdir: Path) -> list[str]:
    """The per-post modules a CLI command loaded, in a process of its own."""
    script = (
        "import json, sys\n"
        "from intl_pub.cli import main\n"
        f"code = main({command!r})\n"
        f"print(json.dumps([code, [m for m in {_PER_POST_MODULES!r} if m in sys.modules]]))\n"
    )
    found = subprocess.run([sys.executable, "-c", script], cwd=workdir, capture_output=True,
                           text=True, timeout=600, check=True)
    code, loaded = json.loads(found.stdout.splitlines()[-1])
    assert code == 0, found.stderr
    return loaded


@pytest.mark.subprocess
def test_an_unchanged_run_loads_nothing_a_post_needs(blog: Path) -> None:
    """An hourly run over a big archive costs its start-up and a look at each file: the
    parser, the readers and the verifier are loaded only when a post changed (and the
    verifier only where a translation is made: publishing reads its verdicts)."""
    posts = blog / "examples" / "blog" / "posts"
    (blog / "intl-pub.toml").write_text(
        (blog / "intl-pub.toml").read_text("utf-8").replace(
            'sources = ["examples/blog/feed.xml"]', 'sources = ["examples/blog/posts"]'
        ), "utf-8"
    )
    translate = ["-q", "translate", "--engine", "pseudo"]
    assert _loaded_by(translate, blog) != []  # the first run reads every post
    assert _loaded_by(["-q", "publish"], blog) != []
    assert _loaded_by(translate, blog) == []
    assert _loaded_by(["-q", "publish"], blog) == []
    edited = posts / "heat-wave-advice.html"
    edited.write_text(edited.read_text("utf-8").replace("</p>", " Drink water.</p>", 1), "utf-8")
    translated = _loaded_by(translate, blog)
    assert "bs4" in translated and "intl_pub.qa.verify" in translated  # verified as it is made
    assert "feedparser" not in translated  # a folder's page is no feed
    published = _loaded_by(["-q", "publish"], blog)
    assert "intl_pub.segment.walker" in published  # the changed post is rendered again...
    assert "intl_pub.qa.verify" not in published  # ...from the verdicts translate kept
    assert "feedparser" not in published  # and its stored form without the readers
    assert "intl_pub.sources.reader" not in published
