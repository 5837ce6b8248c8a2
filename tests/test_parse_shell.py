"""RUN shell reader and command recognisers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envlint.parsers.dockerfile import Instruction, parse_dockerfile
from envlint.parsers.shell import (
    Command,
    Script,
    is_posix_shell,
    read_run,
    read_script,
    run_script,
    script_from_exec,
)
from envlint.parsers.shell_commands import (
    Activation,
    ChangeDir,
    Echo,
    Export,
    ProjectInstall,
    Remove,
    VenvCreate,
    recognize,
    recognize_activation,
    recognize_cd,
    recognize_echo,
    recognize_export,
    recognize_project_install,
    recognize_rm,
    recognize_venv,
)
from envlint.parsers.shell_pip import (
    CacheClean,
    PipInstall,
    RequirementArg,
    classify_requirement,
    recognize_cache_clean,
    recognize_pip,
)


def commands(text: str) -> list[tuple[tuple[str, ...], str | None]]:
    script = read_script(text)
    assert script is not None
    return [(c.words, c.operator) for c in script.commands]


def one(text: str) -> Command:
    script = read_script(text)
    assert script is not None and len(script.commands) == 1
    return script.commands[0]


# --- splitting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "a && b || c; d | e & f",
            [
                (("a",), "&&"),
                (("b",), "||"),
                (("c",), ";"),
                (("d",), "|"),
                (("e",), "&"),
                (("f",), None),
            ],
            id="operators",
        ),
        pytest.param("a\nb\n", [(("a",), "\n"), (("b",), "\n")], id="newlines"),
        pytest.param("a &&\n  b", [(("a",), "&&"), (("b",), None)], id="operator then newline"),
        pytest.param("a&&b", [(("a",), "&&"), (("b",), None)], id="no spaces"),
        pytest.param(
            "echo \"x && y\" '; z'", [(("echo", "x && y", "; z"), None)], id="quoted operators"
        ),
        pytest.param("echo \\; x", [(("echo", ";", "x"), None)], id="escaped operator"),
        pytest.param(
            "a # b && c\nd", [(("a",), "\n"), (("d",), None)], id="comment ends at newline"
        ),
        pytest.param("# only a comment", [], id="comment only"),
        pytest.param("a;#c\nb", [(("a",), ";"), (("b",), None)], id="comment after operator"),
        pytest.param(
            "pip install https://h/p.whl#sha256=ab && x",
            [(("pip", "install", "https://h/p.whl#sha256=ab"), "&&"), (("x",), None)],
            id="hash inside a word is not a comment",
        ),
        pytest.param(
            "pip install \\\n  a \\\n  b",
            [(("pip", "install", "a", "b"), None)],
            id="line continuation",
        ),
        pytest.param(
            "echo 'a\\\nb'", [(("echo", "a\\\nb"), None)], id="continuation kept in single quotes"
        ),
        pytest.param("", [], id="empty"),
        pytest.param("  \n\n ;", [], id="blank"),
    ],
)
def test_split(text: str, expected: list[tuple[tuple[str, ...], str | None]]) -> None:
    assert commands(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "if [ -f x ]; then pip install a; else echo b; fi",
            [
                (("[", "-f", "x", "]"), ("if",)),
                (("pip", "install", "a"), ("then",)),
                (("echo", "b"), ("else",)),
            ],
            id="if then else",
        ),
        pytest.param(
            "for f in a b; do rm $f; done", [(("rm", "$f"), ("do",))], id="for header skipped"
        ),
        pytest.param("for ((i=0; i<3; i++)); do x; done", [(("x",), ("do",))], id="arithmetic for"),
        pytest.param(
            "while true; do y; done", [(("true",), ("while",)), (("y",), ("do",))], id="while"
        ),
        pytest.param(
            "case $x in a|b) one;; *) two ;; esac; three",
            [(("one",), ()), (("two",), ()), (("three",), ())],
            id="case patterns skipped",
        ),
        pytest.param("{ a; b; }", [(("a",), ("{",)), (("b",), ())], id="brace group"),
        pytest.param("! grep x f", [(("grep", "x", "f"), ("!",))], id="negation"),
        pytest.param(
            "[[ -f a && -f b ]] && c",
            [(("[[", "-f", "a", "&&", "-f", "b", "]]"), ()), (("c",), ())],
            id="test command",
        ),
        pytest.param("(( n++ )); a", [(("a",), ())], id="arithmetic command"),
        pytest.param("f() { a; }; f", [(("a",), ("{",)), (("f",), ())], id="function definition"),
        pytest.param('echo "then"', [(("echo", "then"), ())], id="reserved word as argument"),
        pytest.param('"if" x', [(("if", "x"), ())], id="quoted reserved word is a command"),
    ],
)
def test_compound_commands(
    text: str, expected: list[tuple[tuple[str, ...], tuple[str, ...]]]
) -> None:
    script = read_script(text)
    assert script is not None
    assert [(c.words, c.keywords) for c in script.commands] == expected


def test_subshell_and_operator_after_group() -> None:
    script = read_script("(cd /x; . v/bin/activate) && pip install y")
    assert script is not None
    assert [(c.words, c.operator, c.subshell) for c in script.commands] == [
        (("cd", "/x"), ";", True),
        ((".", "v/bin/activate"), "&&", True),
        (("pip", "install", "y"), None, False),
    ]


@pytest.mark.parametrize(
    ("text", "words", "assignments", "redirects"),
    [
        pytest.param(
            "A=1 B='x y' cmd a=b", ("cmd", "a=b"), (("A", "1"), ("B", "x y")), (), id="assignments"
        ),
        pytest.param("A=1", (), (("A", "1"),), (), id="assignment only"),
        pytest.param(
            "echo '. /v/bin/activate' >> ~/.bashrc",
            ("echo", ". /v/bin/activate"),
            (),
            ((">>", "~/.bashrc"),),
            id="echo with redirect",
        ),
        pytest.param(
            "cmd 2>&1 >/dev/null", ("cmd",), (), ((">&", "1"), (">", "/dev/null")), id="io number"
        ),
        pytest.param("cmd < in", ("cmd",), (), (("<", "in"),), id="input"),
        pytest.param(
            "diff <(a) b", ("diff", "b"), (), (("<", "( a )"),), id="process substitution"
        ),
        pytest.param(
            "x=$(cat f) cmd", ("cmd",), (("x", "$( cat f )"),), (), id="command substitution"
        ),
        pytest.param('echo "$(a b)"', ("echo", "$(a b)"), (), (), id="quoted substitution"),
        pytest.param("echo `a b` c", ("echo", "`a b`", "c"), (), (), id="backquotes"),
        pytest.param("echo ''", ("echo", ""), (), (), id="empty quoted word"),
    ],
)
def test_words(
    text: str,
    words: tuple[str, ...],
    assignments: tuple[tuple[str, str], ...],
    redirects: tuple[tuple[str, str], ...],
) -> None:
    command = one(text)
    assert (command.words, command.assignments, command.redirects) == (
        words,
        assignments,
        redirects,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "cat <<EOF > /etc/x\n. /v/bin/activate\nEOF\nnext",
            [(("cat",), "\n"), (("next",), None)],
            id="heredoc body skipped",
        ),
        pytest.param(
            "cat <<-'END' | sh\n\techo hi\n\tEND\ndone_",
            [(("cat",), "|"), (("sh",), "\n"), (("done_",), None)],
            id="dash heredoc",
        ),
        pytest.param(
            "python - <<EOF\nimport x\nEOF", [(("python", "-"), "\n")], id="heredoc at end"
        ),
        pytest.param("cat <<< 'a && b'", [(("cat",), None)], id="here-string"),
    ],
)
def test_heredocs_in_scripts(text: str, expected: list[tuple[tuple[str, ...], str | None]]) -> None:
    assert commands(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('echo "open', id="double quote"),
        pytest.param("echo 'open", id="single quote"),
        pytest.param("echo \\", id="escape at end"),
    ],
)
def test_unreadable(text: str) -> None:
    assert read_script(text) is None


def test_last_and_after() -> None:
    script = read_script(". /v/bin/activate && pip install x; deactivate")
    assert script is not None
    last = script.last()
    assert last is not None and last.words == ("deactivate",)
    assert [c.index for c in script.after(0)] == [1, 2]
    assert script.after(2) == ()
    assert Script(()).last() is None


# --- which shells, which scripts -----------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        pytest.param(None, True, id="default"),
        pytest.param(["/bin/sh", "-c"], True, id="sh"),
        pytest.param(["/bin/bash", "-o", "pipefail", "-c"], True, id="bash"),
        pytest.param(["dash", "-c"], True, id="dash"),
        pytest.param(["/bin/ash", "-c"], True, id="ash"),
        pytest.param(["zsh", "-c"], True, id="zsh"),
        pytest.param(["/usr/bin/env", "bash", "-c"], True, id="env bash"),
        pytest.param(["powershell", "-command"], False, id="powershell"),
        pytest.param(["pwsh", "-c"], False, id="pwsh"),
        pytest.param(["cmd", "/S", "/C"], False, id="cmd"),
        pytest.param(["C:\\Windows\\System32\\cmd.exe", "/C"], False, id="cmd.exe"),
        pytest.param(["python3", "-c"], False, id="python"),
        pytest.param([], False, id="empty"),
    ],
)
def test_is_posix_shell(shell: list[str] | None, expected: bool) -> None:
    assert is_posix_shell(shell) is expected


@pytest.mark.parametrize(
    ("argv", "script"),
    [
        pytest.param(["sh", "-c", "a && b"], "a && b", id="sh -c"),
        pytest.param(["/bin/bash", "-ec", "x"], "x", id="clustered"),
        pytest.param(["bash", "-o", "pipefail", "-c", "x", "arg0"], "x", id="set option then -c"),
        pytest.param(["bash", "--login", "-c", "x"], "x", id="long option"),
        pytest.param(["bash", "script.sh"], None, id="script file"),
        pytest.param(["sh", "-c"], None, id="no script"),
        pytest.param(["python", "-c", "x"], None, id="not a shell"),
        pytest.param([], None, id="empty"),
    ],
)
def test_script_from_exec(argv: list[str], script: str | None) -> None:
    assert script_from_exec(argv) == script


def run_of(text: str) -> Instruction:
    dockerfile, errors = parse_dockerfile("FROM a\n" + text)
    assert errors == []
    return dockerfile.instructions[1]


@pytest.mark.parametrize(
    ("text", "shell", "script"),
    [
        pytest.param("RUN a && b", None, "a && b", id="shell form"),
        pytest.param("RUN a && b", ["powershell", "-command"], None, id="powershell shell"),
        pytest.param('RUN ["sh", "-c", "a; b"]', None, "a; b", id="exec sh -c"),
        pytest.param('RUN ["pip", "install", "x"]', None, None, id="exec without shell"),
        pytest.param("RUN <<EOF\na\nb\nEOF", None, "a\nb\n", id="single heredoc runs its body"),
        pytest.param("RUN <<-EOF\n\ta\n\tEOF", None, "a\n", id="dash heredoc body"),
        pytest.param("RUN <<EOF\n#!/bin/bash\na\nEOF", None, "#!/bin/bash\na\n", id="bash shebang"),
        pytest.param(
            "RUN <<EOF\n#!/usr/bin/env sh\na\nEOF",
            None,
            "#!/usr/bin/env sh\na\n",
            id="env sh shebang",
        ),
        pytest.param(
            "RUN <<EOF\n#!/usr/bin/env python3\nimport x\nEOF", None, None, id="python shebang"
        ),
        pytest.param(
            "RUN python3 <<EOF > /out\nprint(1)\nEOF",
            None,
            "python3 <<EOF > /out\nprint(1)\nEOF",
            id="heredoc fed to a command",
        ),
    ],
)
def test_run_script(text: str, shell: list[str] | None, script: str | None) -> None:
    run = run_of(text)
    assert run_script(run, shell) == script


def test_read_run_exec_form_is_one_command() -> None:
    script = read_run(run_of('RUN ["/opt/venv/bin/pip", "install", "x"]'))
    assert script == Script((Command(0, ("/opt/venv/bin/pip", "install", "x")),))


def test_read_run_heredoc_to_command_skips_body() -> None:
    script = read_run(run_of("RUN cat <<EOF > /etc/profile.d/v.sh\n. /v/bin/activate\nEOF"))
    assert script is not None
    assert [c.words for c in script.commands] == [("cat",)]


# --- pip ----------------------------------------------------------------------------------


def pip(text: str) -> PipInstall:
    found = recognize_pip(one(text))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("text", "installer", "executable", "interpreter", "requirements"),
    [
        pytest.param("pip install a", "pip", "pip", None, ("a",), id="pip"),
        pytest.param("pip3 install a", "pip", "pip3", None, ("a",), id="pip3"),
        pytest.param("pip3.12 install a", "pip", "pip3.12", None, ("a",), id="pip3.12"),
        pytest.param(
            "python -m pip install a", "pip", "python", "python", ("a",), id="python -m pip"
        ),
        pytest.param(
            "python3.12 -m pip install a",
            "pip",
            "python3.12",
            "python3.12",
            ("a",),
            id="python3.12",
        ),
        pytest.param(
            "python3 -I -m pip install a", "pip", "python3", "python3", ("a",), id="python flag"
        ),
        pytest.param("python3 -mpip install a", "pip", "python3", "python3", ("a",), id="-mpip"),
        pytest.param(
            "/opt/venv/bin/pip install a", "pip", "/opt/venv/bin/pip", None, ("a",), id="venv pip"
        ),
        pytest.param(
            "/opt/venv/bin/python -m pip install a",
            "pip",
            "/opt/venv/bin/python",
            "/opt/venv/bin/python",
            ("a",),
            id="venv python",
        ),
        pytest.param("uv pip install a", "uv", "uv", None, ("a",), id="uv pip"),
        pytest.param(
            "python -m uv pip install a", "uv", "python", "python", ("a",), id="python -m uv"
        ),
        pytest.param("sudo -H pip install a", "pip", "pip", None, ("a",), id="sudo"),
        pytest.param(
            "env PIP_NO_CACHE_DIR=1 pip install a", "pip", "pip", None, ("a",), id="env wrapper"
        ),
    ],
)
def test_pip_programs(
    text: str,
    installer: str,
    executable: str,
    interpreter: str | None,
    requirements: tuple[str, ...],
) -> None:
    found = pip(text)
    assert (
        found.installer,
        found.subcommand,
        found.executable,
        found.interpreter,
        found.requirements,
    ) == (
        installer,
        "install",
        executable,
        interpreter,
        requirements,
    )


def test_pip_full_record() -> None:
    found = pip(
        "PIP_NO_CACHE_DIR=1 pip --no-cache-dir install -r req.txt --requirement=dev.txt "
        "-c c.txt -e . --editable=./lib 'flask[async]==3.1.2' \"x; python_version<'3.12'\" "
        "--index-url https://i/simple -f ./wheels --target=/deps -U"
    )
    assert found == PipInstall(
        index=0,
        installer="pip",
        subcommand="install",
        executable="pip",
        interpreter=None,
        requirements=("flask[async]==3.1.2", "x; python_version<'3.12'"),
        requirement_files=("req.txt", "dev.txt"),
        constraint_files=("c.txt",),
        editables=(".", "./lib"),
        options=(
            ("--no-cache-dir", None),
            ("--requirement", "req.txt"),
            ("--requirement", "dev.txt"),
            ("--constraint", "c.txt"),
            ("--editable", "."),
            ("--editable", "./lib"),
            ("--index-url", "https://i/simple"),
            ("--find-links", "./wheels"),
            ("--target", "/deps"),
            ("--upgrade", None),
        ),
        assignments=(("PIP_NO_CACHE_DIR", "1"),),
    )


@pytest.mark.parametrize(
    ("text", "requirements", "option"),
    [
        pytest.param(
            "pip install -i https://x/simple a",
            ("a",),
            ("--index-url", "https://x/simple"),
            id="-i value",
        ),
        pytest.param(
            "pip install --extra-index-url u a",
            ("a",),
            ("--extra-index-url", "u"),
            id="extra index",
        ),
        pytest.param("pip install -t /t a", ("a",), ("--target", "/t"), id="-t"),
        pytest.param("pip install --prefix /p a", ("a",), ("--prefix", "/p"), id="prefix"),
        pytest.param("pip install --root /r a", ("a",), ("--root", "/r"), id="root"),
        pytest.param("pip install --user a", ("a",), ("--user", None), id="user"),
        pytest.param(
            "pip install --progress-bar off a", ("a",), ("--progress-bar", "off"), id="progress bar"
        ),
        pytest.param(
            "pip install --platform manylinux2014_x86_64 a",
            ("a",),
            ("--platform", "manylinux2014_x86_64"),
            id="platform",
        ),
        pytest.param("pip install -C key=v a", ("a",), ("--config-settings", "key=v"), id="-C"),
        pytest.param("pip install --group dev", (), ("--group", "dev"), id="group"),
        pytest.param(
            "pip --python /v/bin/python install a",
            ("a",),
            ("--python", "/v/bin/python"),
            id="python option",
        ),
        pytest.param(
            "pip install --only-binary :all: a",
            ("a",),
            ("--only-binary", ":all:"),
            id="only binary",
        ),
        pytest.param(
            "pip install --no-binary=:all: a", ("a",), ("--no-binary", ":all:"), id="equals form"
        ),
        pytest.param(
            "pip install -rreq.txt", (), ("--requirement", "req.txt"), id="attached short value"
        ),
        pytest.param("pip install -Ur r.txt", (), ("--requirement", "r.txt"), id="short cluster"),
        pytest.param(
            "pip install --no-cache a", ("a",), ("--no-cache-dir", None), id="unique prefix"
        ),
        pytest.param(
            "pip install --no-deps --require-hashes a",
            ("a",),
            ("--require-hashes", None),
            id="flags",
        ),
        pytest.param("pip install --no-dependencies a", ("a",), ("--no-deps", None), id="alias"),
        pytest.param("pip install -- -weird", ("-weird",), None, id="double dash"),
    ],
)
def test_pip_option_values_are_consumed(
    text: str, requirements: tuple[str, ...], option: tuple[str, str | None] | None
) -> None:
    found = pip(text)
    assert found.requirements == requirements
    if option is not None:
        assert option in found.options


def test_pip_unknown_option_sets_its_possible_value_apart() -> None:
    found = pip("pip install --weird thing real")
    assert (found.requirements, found.unknown_options, found.ambiguous) == (
        ("real",),
        ("--weird",),
        ("thing",),
    )


def test_pip_ambiguous_prefix_is_unknown() -> None:
    assert pip("pip install --no-c a").unknown_options == ("--no-c",)


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        pytest.param(
            "uv pip install --system --python 3.12 -r requirements.txt --constraint c.txt a",
            (("a",), ("requirements.txt",), ("c.txt",)),
            id="uv pip install",
        ),
        pytest.param(
            "uv pip sync requirements.txt", ((), ("requirements.txt",), ()), id="uv pip sync"
        ),
        pytest.param("pip-sync", ((), ("requirements.txt",), ()), id="pip-sync default file"),
        pytest.param(
            "pip-sync --pip-args '--no-cache-dir' a.txt b.txt",
            ((), ("a.txt", "b.txt"), ()),
            id="pip-sync files",
        ),
        pytest.param(
            "python -m piptools sync r.txt", ((), ("r.txt",), ()), id="python -m piptools"
        ),
    ],
)
def test_uv_and_pip_sync(text: str, fields: tuple[tuple[str, ...], ...]) -> None:
    found = pip(text)
    assert (found.requirements, found.requirement_files, found.constraint_files) == fields


@pytest.mark.parametrize(
    ("text", "option"),
    [
        pytest.param("uv --no-cache pip install a", ("--no-cache", None), id="global before pip"),
        pytest.param("uv pip install -n a", ("--no-cache", None), id="-n"),
        pytest.param("uv pip install --no-cache-dir a", ("--no-cache", None), id="pip alias"),
        pytest.param("uv pip install -p=3.12 a", ("--python", "3.12"), id="short with equals"),
        pytest.param("uv pip install --requirement r.txt", ("--requirements", "r.txt"), id="alias"),
    ],
)
def test_uv_options(text: str, option: tuple[str, str | None]) -> None:
    assert option in pip(text).options


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("pip download a", id="pip download"),
        pytest.param("pip wheel -w /w .", id="pip wheel"),
        pytest.param("pip uninstall -y a", id="uninstall"),
        pytest.param("uv pip compile r.in", id="uv compile"),
        pytest.param("uv sync", id="uv sync is a project install"),
        pytest.param("echo pip install a", id="echo"),
        pytest.param("pipx install a", id="pipx"),
        pytest.param("python script.py -m pip install a", id="script"),
        pytest.param("command -v pip", id="command -v"),
    ],
)
def test_not_pip_installs(text: str) -> None:
    assert recognize_pip(one(text)) is None


def test_prefix() -> None:
    assert pip("/opt/venv/bin/pip install a").prefix == "/opt/venv"
    assert pip("/usr/local/bin/python3 -m pip install a").prefix == "/usr/local"
    assert pip("venv/bin/pip install a").prefix == "venv"
    assert pip("pip install a").prefix is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("flask", RequirementArg("flask", "named", "flask"), id="bare name"),
        pytest.param(
            "Flask[async]==3.1.2",
            RequirementArg("Flask[async]==3.1.2", "named", "Flask", "==3.1.2", extras=("async",)),
            id="extras and pin",
        ),
        pytest.param(
            "x>=1; python_version < '3.12'",
            RequirementArg(
                "x>=1; python_version < '3.12'",
                "named",
                "x",
                ">=1",
                marker='python_version < "3.12"',
            ),
            id="marker",
        ),
        pytest.param(
            "pkg @ https://h/pkg-1.0.tar.gz",
            RequirementArg(
                "pkg @ https://h/pkg-1.0.tar.gz", "named", "pkg", url="https://h/pkg-1.0.tar.gz"
            ),
            id="name at url",
        ),
        pytest.param(
            "https://h/p-1.0-py3-none-any.whl",
            RequirementArg(
                "https://h/p-1.0-py3-none-any.whl", "url", url="https://h/p-1.0-py3-none-any.whl"
            ),
            id="url",
        ),
        pytest.param(
            "git+https://g/r.git#egg=r",
            RequirementArg("git+https://g/r.git#egg=r", "url", url="git+https://g/r.git#egg=r"),
            id="vcs url",
        ),
        pytest.param(".", RequirementArg(".", "path"), id="dot"),
        pytest.param(".[dev]", RequirementArg(".[dev]", "path"), id="dot extras"),
        pytest.param("./pkg", RequirementArg("./pkg", "path"), id="relative dir"),
        pytest.param(
            "/w/app-1.0-py3-none-any.whl",
            RequirementArg("/w/app-1.0-py3-none-any.whl", "path"),
            id="wheel path",
        ),
        pytest.param(
            "app-1.0-py3-none-any.whl",
            RequirementArg("app-1.0-py3-none-any.whl", "path"),
            id="wheel name",
        ),
        pytest.param("dist/app.tar.gz", RequirementArg("dist/app.tar.gz", "path"), id="sdist"),
        pytest.param(
            "flask==$VERSION", RequirementArg("flask==$VERSION", "unknown"), id="variable"
        ),
        pytest.param("not a req!", RequirementArg("not a req!", "unknown"), id="garbage"),
    ],
)
def test_classify_requirement(raw: str, expected: RequirementArg) -> None:
    assert classify_requirement(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("pip cache purge", CacheClean(0, "pip", "purge", ()), id="pip purge"),
        pytest.param(
            "python -m pip cache remove '*'",
            CacheClean(0, "pip", "remove", ("*",)),
            id="pip remove",
        ),
        pytest.param("uv cache clean", CacheClean(0, "uv", "clean", ()), id="uv clean"),
        pytest.param("uv cache prune --ci", CacheClean(0, "uv", "prune", ()), id="uv prune"),
        pytest.param("pip cache dir", None, id="pip cache dir"),
    ],
)
def test_cache_clean(text: str, expected: CacheClean | None) -> None:
    assert recognize_cache_clean(one(text)) == expected


# --- venvs and project installs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "python -m venv /opt/venv",
            VenvCreate(0, "venv", ("/opt/venv",), True, "python", ()),
            id="python -m venv",
        ),
        pytest.param(
            "python3.11 -m venv --copies --prompt app .venv",
            VenvCreate(
                0, "venv", (".venv",), True, "python3.11", (("--copies", None), ("--prompt", "app"))
            ),
            id="options",
        ),
        pytest.param(
            "virtualenv -p python3.11 /v",
            VenvCreate(0, "virtualenv", ("/v",), True, "python3.11", (("--python", "python3.11"),)),
            id="virtualenv -p",
        ),
        pytest.param(
            "python3.10 -m virtualenv /v",
            VenvCreate(0, "virtualenv", ("/v",), True, "python3.10", ()),
            id="python -m virtualenv",
        ),
        pytest.param(
            "uv venv",
            VenvCreate(0, "uv", (".venv",), False, None, ()),
            id="uv venv default",
        ),
        pytest.param(
            "uv venv /opt/venv --python 3.12 --relocatable",
            VenvCreate(
                0,
                "uv",
                ("/opt/venv",),
                True,
                "3.12",
                (("--python", "3.12"), ("--relocatable", None)),
            ),
            id="uv venv options",
        ),
        pytest.param(
            "UV_PYTHON=3.11 uv venv -p=3.12 v",
            VenvCreate(
                0,
                "uv",
                ("v",),
                True,
                "3.12",
                (("--python", "3.12"),),
                assignments=(("UV_PYTHON", "3.11"),),
            ),
            id="inline env",
        ),
        pytest.param("python -m venv", None, id="no path"),
        pytest.param("echo python -m venv v", None, id="echoed"),
    ],
)
def test_venv(text: str, expected: VenvCreate | None) -> None:
    assert recognize_venv(one(text)) == expected


def test_venv_helpers() -> None:
    found = recognize_venv(one("uv venv --relocatable"))
    assert found is not None and found.path == ".venv" and found.has("--relocatable")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "uv sync --frozen --no-install-project --no-cache",
            ProjectInstall(
                0,
                "uv",
                "sync",
                (),
                (("--frozen", None), ("--no-install-project", None), ("--no-cache", None)),
            ),
            id="uv sync",
        ),
        pytest.param(
            "uv sync --locked --python 3.12 --no-dev",
            ProjectInstall(
                0, "uv", "sync", (), (("--locked", None), ("--python", "3.12"), ("--no-dev", None))
            ),
            id="uv sync python",
        ),
        pytest.param(
            "poetry install --no-root --only main",
            ProjectInstall(0, "poetry", "install", (), (("--no-root", None), ("--only", "main"))),
            id="poetry",
        ),
        pytest.param(
            "pipenv install --system --deploy",
            ProjectInstall(0, "pipenv", "install", (), (("--system", None), ("--deploy", None))),
            id="pipenv",
        ),
        pytest.param(
            "pipenv install requests",
            ProjectInstall(0, "pipenv", "install", ("requests",), ()),
            id="pipenv package",
        ),
        pytest.param(
            "pdm install --prod -G web",
            ProjectInstall(0, "pdm", "install", (), (("--prod", None), ("--group", "web"))),
            id="pdm",
        ),
        pytest.param("poetry lock", None, id="poetry lock"),
        pytest.param("uv pip install a", None, id="uv pip"),
    ],
)
def test_project_install(text: str, expected: ProjectInstall | None) -> None:
    assert recognize_project_install(one(text)) == expected


# --- activation and other commands ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            ". /opt/venv/bin/activate",
            Activation(0, "venv", ".", "/opt/venv", "/opt/venv/bin/activate"),
            id="dot",
        ),
        pytest.param(
            "source venv/bin/activate",
            Activation(0, "venv", "source", "venv", "venv/bin/activate"),
            id="source",
        ),
        pytest.param(
            ". bin/activate", Activation(0, "venv", ".", ".", "bin/activate"), id="relative bin"
        ),
        pytest.param(
            'source "$VENV/bin/activate"',
            Activation(0, "venv", "source", "$VENV", "$VENV/bin/activate"),
            id="variable",
        ),
        pytest.param(
            "source activate py311",
            Activation(0, "conda", "source", "py311", "activate"),
            id="legacy conda",
        ),
        pytest.param("conda activate app", Activation(0, "conda", "conda", "app"), id="conda"),
        pytest.param("mamba activate", Activation(0, "conda", "mamba", None), id="mamba base"),
        pytest.param(
            "micromamba activate --stack app",
            Activation(0, "conda", "micromamba", "app"),
            id="micromamba",
        ),
        pytest.param(
            "deactivate", Activation(0, "deactivate", "deactivate", None), id="deactivate"
        ),
        pytest.param(
            "conda deactivate", Activation(0, "deactivate", "conda", None), id="conda deactivate"
        ),
        pytest.param(". /etc/profile", None, id="other file"),
        pytest.param("conda install x", None, id="conda install"),
    ],
)
def test_activation(text: str, expected: Activation | None) -> None:
    assert recognize_activation(one(text)) == expected


def test_echoed_activation_is_text() -> None:
    script = read_script("echo '. /v/bin/activate' >> ~/.bashrc")
    assert script is not None
    assert [recognize(c) for c in script.commands] == [Echo(0, (". /v/bin/activate",))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("cd /app", ChangeDir(0, "/app"), id="cd"),
        pytest.param("cd -P src", ChangeDir(0, "src"), id="cd option"),
        pytest.param("cd", ChangeDir(0, None), id="home"),
        pytest.param("cd -", ChangeDir(0, None), id="previous"),
        pytest.param("pushd /x", ChangeDir(0, "/x"), id="pushd"),
    ],
)
def test_cd(text: str, expected: ChangeDir) -> None:
    assert recognize_cd(one(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("export PATH=/v/bin:$PATH", Export(0, (("PATH", "/v/bin:$PATH"),)), id="one"),
        pytest.param("export A=1 B", Export(0, (("A", "1"), ("B", None))), id="several"),
        pytest.param("export -n A", Export(0, (("A", None),)), id="option"),
    ],
)
def test_export(text: str, expected: Export) -> None:
    assert recognize_export(one(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "rm -rf /root/.cache/pip", Remove(0, ("/root/.cache/pip",), True, True), id="rf"
        ),
        pytest.param("rm -r -f a b", Remove(0, ("a", "b"), True, True), id="separate"),
        pytest.param("rm --recursive --force a", Remove(0, ("a",), True, True), id="long"),
        pytest.param("rm -R a", Remove(0, ("a",), True, False), id="R"),
        pytest.param("rm -- -f", Remove(0, ("-f",), False, False), id="double dash"),
        pytest.param("sudo rm -rf /x", Remove(0, ("/x",), True, True), id="sudo"),
    ],
)
def test_rm(text: str, expected: Remove) -> None:
    assert recognize_rm(one(text)) == expected


def test_echo_and_printf() -> None:
    assert recognize_echo(one("printf '%s\\n' pip install x")) == Echo(
        0, ("%s\\n", "pip", "install", "x")
    )
    assert recognize_echo(one("pip install x")) is None


def test_recognize_in_order() -> None:
    script = read_script(
        "python -m venv /v && . /v/bin/activate && pip install -r r.txt && cd /app && rm -rf /tmp/x"
    )
    assert script is not None
    kinds = [type(recognize(c)).__name__ for c in script.commands]
    assert kinds == ["VenvCreate", "Activation", "PipInstall", "ChangeDir", "Remove"]
    assert recognize(one("make build")) is None


# --- properties ----------------------------------------------------------------------------

SHELL_TEXT = st.lists(
    st.sampled_from(
        [
            "pip",
            "install",
            "-r",
            "--no-cache",
            "&&",
            "||",
            ";",
            "|",
            "&",
            "\n",
            "(",
            ")",
            "{",
            "}",
            "if",
            "then",
            "fi",
            "for",
            "do",
            "done",
            "case",
            "in",
            "esac",
            ";;",
            "<<EOF",
            "EOF",
            "<<-",
            "'",
            '"',
            "\\",
            "#",
            "$(",
            "`",
            "=",
            "A=1",
            ". v/bin/activate",
            "uv",
            "venv",
            "-m",
            "python",
            "[[",
            "]]",
            "-p",
            "-e",
            "--",
            "source",
            "conda",
            "activate",
            "rm",
            "-rf",
            "cd",
            "export",
        ]
    )
    | st.text(max_size=8)
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    script = read_script(text)
    if script is not None:
        assert [c.index for c in script.commands] == list(range(len(script.commands)))


@settings(max_examples=200, deadline=None)
@given(SHELL_TEXT)
def test_shell_like_text_never_raises(text: str) -> None:
    script = read_script(text)
    for command in script.commands if script is not None else ():
        recognize(command)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=8), st.lists(st.text(max_size=6), max_size=2))
def test_recognisers_never_raise_on_any_argv(words: list[str], prefix: list[str]) -> None:
    for head in (
        ["pip", "install"],
        ["uv", "pip", "install"],
        ["python", "-m", "venv"],
        ["uv"],
        [],
    ):
        recognize(Command(0, tuple(prefix + head + words)))
    for raw in words:
        classify_requirement(raw)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=10), max_size=5))
def test_exec_form_never_raises(argv: list[str]) -> None:
    script_from_exec(argv)
    is_posix_shell(argv)
