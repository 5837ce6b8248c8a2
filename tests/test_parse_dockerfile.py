"""Dockerfile parser: behaviour checked against Docker's Dockerfile reference and BuildKit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envlint.model import ParseError
from envlint.parsers.dockerfile import (
    ArgDecl,
    CopySource,
    Dockerfile,
    Heredoc,
    Instruction,
    arg_decls,
    copy_args,
    env_pairs,
    expand,
    looks_like_compose_yaml,
    parse_dockerfile,
    shell,
    user,
    workdir,
)


def parse_ok(text: str) -> Dockerfile:
    dockerfile, errors = parse_dockerfile(text)
    assert errors == []
    return dockerfile


def only(text: str, keyword: str) -> Instruction:
    found = [i for i in parse_ok(text).instructions if i.keyword == keyword]
    assert len(found) == 1
    return found[0]


# --- instructions: keyword, flags, args, exec form, lines ---------------------------------


@pytest.mark.parametrize(
    ("text", "keyword", "flags", "args", "json"),
    [
        pytest.param("FROM a\nrun echo hi", "RUN", (), "echo hi", None, id="keyword any case"),
        pytest.param("FROM a\nRUN   echo  hi   ", "RUN", (), "echo  hi", None, id="args trimmed"),
        pytest.param(
            "FROM a\nCOPY --from=build --chown=1:1 --link /a /b",
            "COPY",
            (("from", "build"), ("chown", "1:1"), ("link", None)),
            "/a /b",
            None,
            id="flags in order, flag without value",
        ),
        pytest.param(
            "FROM a\nRUN --mount=type=cache,target=/root/.cache"
            " --mount=type=bind,source=x,target=y pip",
            "RUN",
            (("mount", "type=cache,target=/root/.cache"), ("mount", "type=bind,source=x,target=y")),
            "pip",
            None,
            id="repeated mount",
        ),
        pytest.param(
            "FROM a\nRUN --network=none --security=insecure true",
            "RUN",
            (("network", "none"), ("security", "insecure")),
            "true",
            None,
            id="network security",
        ),
        pytest.param(
            'FROM a\nCOPY --chown="a b" x y',
            "COPY",
            (("chown", "a b"),),
            "x y",
            None,
            id="quoted flag value",
        ),
        pytest.param(
            "FROM a\nADD --checksum=sha256:abc --keep-git-dir=true --exclude=*.md u /d",
            "ADD",
            (("checksum", "sha256:abc"), ("keep-git-dir", "true"), ("exclude", "*.md")),
            "u /d",
            None,
            id="add flags",
        ),
        pytest.param(
            "FROM a\nCOPY --parents --exclude=a --exclude=b x/./y /d",
            "COPY",
            (("parents", None), ("exclude", "a"), ("exclude", "b")),
            "x/./y /d",
            None,
            id="parents and repeated exclude",
        ),
        pytest.param("FROM a\nRUN -- --x", "RUN", (), "--x", None, id="double dash ends flags"),
        pytest.param("FROM a\nRUN echo --x", "RUN", (), "echo --x", None, id="flags only lead"),
        pytest.param(
            'FROM a\nCMD ["python", "-m", "app"]',
            "CMD",
            (),
            '["python", "-m", "app"]',
            ("python", "-m", "app"),
            id="exec form",
        ),
        pytest.param(
            "FROM a\nCMD [python, app]",
            "CMD",
            (),
            "[python, app]",
            None,
            id="invalid JSON falls back to shell form",
        ),
        pytest.param(
            "FROM a\nCMD ['python']",
            "CMD",
            (),
            "['python']",
            None,
            id="single quotes are not JSON",
        ),
        pytest.param(
            'FROM a\nRUN ["a"] x', "RUN", (), '["a"] x', None, id="trailing text is not JSON"
        ),
        pytest.param("FROM a\nENTRYPOINT []", "ENTRYPOINT", (), "[]", (), id="empty array"),
        pytest.param(
            'FROM a\nCOPY ["a b", "c/"]',
            "COPY",
            (),
            '["a b", "c/"]',
            ("a b", "c/"),
            id="copy json",
        ),
        pytest.param(
            'FROM a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]',
            "SHELL",
            (),
            '["/bin/bash", "-o", "pipefail", "-c"]',
            ("/bin/bash", "-o", "pipefail", "-c"),
            id="shell json",
        ),
        pytest.param(
            'FROM a\nHEALTHCHECK --interval=5s CMD ["curl", "x"]',
            "HEALTHCHECK",
            (("interval", "5s"),),
            'CMD ["curl", "x"]',
            ("curl", "x"),
            id="healthcheck json",
        ),
    ],
)
def test_instruction_shape(
    text: str, keyword: str, flags: tuple[tuple[str, str | None], ...], args: str, json: object
) -> None:
    instr = only(text, keyword)
    assert (instr.keyword, instr.flags, instr.args, instr.json) == (keyword, flags, args, json)


def test_flag_helpers() -> None:
    instr = only(
        "FROM a\nRUN --mount=type=cache,target=/x --mount=type=secret,id=s --link true", "RUN"
    )
    assert instr.flag("mount") == "type=secret,id=s"
    assert instr.flag_values("mount") == ("type=cache,target=/x", "type=secret,id=s")
    assert instr.has_flag("link") and instr.flag("link") is None
    assert not instr.has_flag("from") and instr.flag("from") is None


def test_lines_stages_and_names() -> None:
    dockerfile = parse_ok(
        "ARG V=3.12\n"
        "FROM python:${V} AS Builder\n"
        "RUN pip wheel . \\\n"
        "    -w /w\n"
        "\n"
        "FROM python:${V}-slim\n"
        "COPY --from=builder /w /w\n"
    )
    got = [
        (i.keyword, i.start_line, i.end_line, i.stage, i.stage_name)
        for i in dockerfile.instructions
    ]
    assert got == [
        ("ARG", 1, 1, -1, None),
        ("FROM", 2, 2, 0, "builder"),
        ("RUN", 3, 4, 0, "builder"),
        ("FROM", 6, 6, 1, None),
        ("COPY", 7, 7, 1, None),
    ]
    first, second = dockerfile.stages
    assert (first.index, first.name, first.base, first.image, first.line) == (
        0,
        "builder",
        "python:${V}",
        "python:3.12",
        2,
    )
    assert [i.keyword for i in first.instructions] == ["RUN"]
    assert (second.name, second.image) == (None, "python:3.12-slim")
    assert dockerfile.stage("BUILDER") is first
    assert dockerfile.stage("0") is first
    assert dockerfile.stage("builder", before=0) is None
    assert dockerfile.stage("1", before=1) is None
    assert dockerfile.stage("nope") is None


# --- parser directives ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escape", "directives"),
    [
        pytest.param("# escape=`\nFROM a\n", "`", (("escape", "`"),), id="backtick"),
        pytest.param("#  EsCaPe = `\nFROM a\n", "`", (("escape", "`"),), id="key any case, spaces"),
        pytest.param(
            "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n",
            "`",
            (("syntax", "docker/dockerfile:1"), ("escape", "`")),
            id="syntax then escape",
        ),
        pytest.param(
            "# check=skip=JSONArgsRecommended\nFROM a\n",
            "\\",
            (("check", "skip=JSONArgsRecommended"),),
            id="check",
        ),
        pytest.param("# about\n# escape=`\nFROM a\n", "\\", (), id="after a comment: a comment"),
        pytest.param("\n# escape=`\nFROM a\n", "\\", (), id="after a blank line: a comment"),
        pytest.param("FROM a\n# escape=`\n", "\\", (), id="after an instruction: a comment"),
        pytest.param(
            "# unknown=1\n# escape=`\nFROM a\n", "\\", (), id="unknown directive ends directives"
        ),
        pytest.param("\ufeff# escape=`\r\nFROM a\r\n", "`", (("escape", "`"),), id="BOM and CRLF"),
    ],
)
def test_directives(text: str, escape: str, directives: tuple[tuple[str, str], ...]) -> None:
    dockerfile = parse_ok(text)
    assert (dockerfile.escape, dockerfile.directives) == (escape, directives)


def test_syntax_property() -> None:
    assert parse_ok("# syntax=docker/dockerfile:1.7\nFROM a").syntax == "docker/dockerfile:1.7"
    assert parse_ok("FROM a").syntax is None


def test_backtick_escape_continues_lines_and_keeps_backslashes() -> None:
    dockerfile = parse_ok("# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo\nCOPY x c:\\\n")
    run, copy = dockerfile.instructions[1:]
    assert (run.args, run.start_line, run.end_line) == ("dir c:\\   && echo", 3, 4)
    assert copy.args == "x c:\\"


# --- continuations and comments ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "args", "end_line"),
    [
        pytest.param("FROM a\nRUN a \\\n  b", "a   b", 3, id="continuation keeps spaces"),
        pytest.param("FROM a\nRUN a \\\n# note\n  b", "a   b", 4, id="comment line removed"),
        pytest.param("FROM a\nRUN a \\\n   # note\n  b", "a   b", 4, id="indented comment removed"),
        pytest.param("FROM a\nRUN a \\\n\n  b", "a   b", 4, id="empty continuation line"),
        pytest.param("FROM a\nRUN a \\\n \t \n  b", "a   b", 4, id="blank continuation line"),
        pytest.param("FROM a\nRUN a \\", "a", 2, id="escape at end of file"),
        pytest.param("FROM a\nRUN a \\  \t\n b", "a  b", 3, id="blanks after the escape"),
        pytest.param(
            "FROM a\nRUN a \\\\\nUSER b", "a \\\\", 2, id="escaped escape is no continuation"
        ),
        pytest.param("FROM a\nRUN a \\\r\n  b\r\n", "a   b", 3, id="CRLF"),
        pytest.param(
            "FROM a\nRUN echo '#not a comment'", "echo '#not a comment'", 2, id="hash in args"
        ),
        pytest.param("FROM a\n   RUN   x", "x", 2, id="leading whitespace ignored"),
    ],
)
def test_continuations(text: str, args: str, end_line: int) -> None:
    run = only(text, "RUN")
    assert (run.args, run.end_line) == (args, end_line)


def test_comment_ending_in_escape_does_not_continue() -> None:
    dockerfile = parse_ok("FROM a\n# note \\\nRUN x")
    assert [(i.keyword, i.args, i.start_line) for i in dockerfile.instructions] == [
        ("FROM", "a", 1),
        ("RUN", "x", 3),
    ]


# --- heredocs ------------------------------------------------------------------------------


def test_run_heredoc() -> None:
    run = only("FROM a\nRUN <<EOF\nFROM evil\nRUN no\nEOF\nUSER app\n", "RUN")
    assert run.heredocs == (Heredoc("EOF", "FROM evil\nRUN no\n", 3, 5, False, True),)
    assert (run.args, run.start_line, run.end_line) == ("<<EOF", 2, 5)
    assert [
        i.keyword for i in parse_ok("FROM a\nRUN <<EOF\nFROM x\nEOF\nUSER app\n").instructions
    ] == [
        "FROM",
        "RUN",
        "USER",
    ]


@pytest.mark.parametrize(
    ("text", "heredocs"),
    [
        pytest.param(
            "FROM a\nRUN <<-EOF\n\techo hi\n\tEOF\n",
            (Heredoc("EOF", "\techo hi\n", 3, 4, True, True),),
            id="dash strips tabs",
        ),
        pytest.param(
            "FROM a\nRUN <<'EOF'\necho $HOME\nEOF\n",
            (Heredoc("EOF", "echo $HOME\n", 3, 4, False, False),),
            id="single-quoted: no expansion",
        ),
        pytest.param(
            'FROM a\nRUN <<"EOF"\nx\nEOF\n',
            (Heredoc("EOF", "x\n", 3, 4, False, False),),
            id="double-quoted: no expansion",
        ),
        pytest.param(
            "FROM a\nRUN << EOF\nx\nEOF\n",
            (Heredoc("EOF", "x\n", 3, 4, False, True),),
            id="space after <<",
        ),
        pytest.param(
            "FROM a\nRUN 3<<EOF\nEOF\n",
            (Heredoc("EOF", "", 3, 3, False, True, 3),),
            id="file descriptor, empty body",
        ),
        pytest.param(
            "FROM a\nRUN python3 <<PY > /out\nprint(1)\nPY\n",
            (Heredoc("PY", "print(1)\n", 3, 4, False, True),),
            id="with a command and redirect",
        ),
        pytest.param(
            "FROM a\nRUN cat <<A <<B\na\nA\nb\nB\n",
            (Heredoc("A", "a\n", 3, 4, False, True), Heredoc("B", "b\n", 5, 6, False, True)),
            id="two heredocs",
        ),
        pytest.param(
            "FROM a\nRUN --mount=type=cache,target=/c <<EOF\nx\nEOF\n",
            (Heredoc("EOF", "x\n", 3, 4, False, True),),
            id="after flags",
        ),
        pytest.param("FROM a\nRUN ['<<EOF']\n", (), id="not in exec form"),
        pytest.param('FROM a\nRUN echo "<<EOF"\n', (), id="quoted is not a heredoc"),
        pytest.param("FROM a\nRUN cat<<EOF\n", (), id="BuildKit needs a word starting <<"),
        pytest.param('FROM a\nRUN <<""\n', (), id="empty delimiter is no heredoc"),
        pytest.param(
            "FROM a\nRUN <<EOF\r\nx\r\nEOF\r\n",
            (Heredoc("EOF", "x\r\n", 3, 4, False, True),),
            id="CRLF terminator",
        ),
    ],
)
def test_heredocs(text: str, heredocs: tuple[Heredoc, ...]) -> None:
    assert only(text, "RUN").heredocs == heredocs


def test_heredoc_content_strips_tabs_only_with_dash() -> None:
    assert Heredoc("E", "\ta\n\t\tb\n", 1, 3, True, True).content == "a\nb\n"
    assert Heredoc("E", "\ta\n", 1, 2, False, True).content == "\ta\n"


def test_copy_heredoc_sources() -> None:
    copy = only("FROM a\nCOPY <<app.py <<EOF /srv/\nprint(1)\napp.py\nx\nEOF\n", "COPY")
    args = copy_args(copy)
    assert args is not None
    assert args.dest == "/srv/"
    assert args.sources == (
        CopySource("app.py", True, Heredoc("app.py", "print(1)\n", 3, 4, False, True)),
        CopySource("EOF", True, Heredoc("EOF", "x\n", 5, 6, False, True)),
    )


def test_onbuild_heredoc_and_trigger() -> None:
    dockerfile = parse_ok("FROM a\nONBUILD RUN <<EOF\npip install x\nEOF\nRUN true\n")
    onbuild, run = dockerfile.instructions[1:]
    assert onbuild.keyword == "ONBUILD" and onbuild.args == "RUN <<EOF"
    assert onbuild.trigger is not None
    assert (onbuild.trigger.keyword, onbuild.trigger.args) == ("RUN", "<<EOF")
    assert onbuild.trigger.heredocs == (Heredoc("EOF", "pip install x\n", 3, 4, False, True),)
    assert [i.keyword for i in dockerfile.stages[0].instructions] == ["ONBUILD", "RUN"]
    assert run.start_line == 5


def test_onbuild_keeps_flags_of_its_trigger() -> None:
    onbuild = only("FROM a\nONBUILD COPY --chown=app . /app", "ONBUILD")
    assert onbuild.trigger is not None
    assert (onbuild.trigger.keyword, onbuild.trigger.flags) == ("COPY", (("chown", "app"),))


# --- ARG, FROM resolution ------------------------------------------------------------------


def test_global_args_resolve_from() -> None:
    dockerfile = parse_ok(
        "ARG REG=docker.io\nARG PY=3.12 DIST\nARG IMG=${REG}/python:${PY}\n"
        "FROM ${IMG}-slim AS base\nFROM python:${DIST}\nFROM --platform=$BUILDPLATFORM ${PY:-x}\n"
        'FROM "$IMG"\nARG LATE=1\n'
    )
    assert dockerfile.global_args == (
        ArgDecl("REG", "docker.io", 1),
        ArgDecl("PY", "3.12", 2),
        ArgDecl("DIST", None, 2),
        ArgDecl("IMG", "${REG}/python:${PY}", 3),
    )
    assert dict(dockerfile.global_env) == {
        "REG": "docker.io",
        "PY": "3.12",
        "IMG": "docker.io/python:3.12",
    }
    assert [(s.base, s.image, s.platform) for s in dockerfile.stages] == [
        ("${IMG}-slim", "docker.io/python:3.12-slim", None),
        ("python:${DIST}", None, None),
        ("${PY:-x}", "3.12", "$BUILDPLATFORM"),
        ('"$IMG"', "docker.io/python:3.12", None),
    ]
    assert dockerfile.stages[3].instructions[0].stage == 3


def test_arg_without_default_keeps_earlier_default() -> None:
    dockerfile = parse_ok("ARG V=1\nARG V\nFROM a:$V")
    assert dockerfile.stages[0].image == "a:1"


def test_platform_args_are_unknown() -> None:
    assert parse_ok("FROM img:$TARGETARCH").stages[0].image is None


# --- expand --------------------------------------------------------------------------------


ENV = {"A": "x", "EMPTY": "", "P": "foo/bar.tar.gz"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("$A", "x", id="plain"),
        pytest.param("${A}_y", "x_y", id="braces"),
        pytest.param("$A$A", "xx", id="adjacent"),
        pytest.param("${MISSING}", None, id="unknown variable"),
        pytest.param("a$MISSING", None, id="unknown in text"),
        pytest.param("${A:-d}", "x", id=":- set"),
        pytest.param("${EMPTY:-d}", "d", id=":- empty"),
        pytest.param("${EMPTY-d}", "", id="- empty is set"),
        pytest.param("${A:+alt}", "alt", id=":+ set"),
        pytest.param("${EMPTY:+alt}", "", id=":+ empty"),
        pytest.param("${EMPTY+alt}", "alt", id="+ empty is set"),
        pytest.param("${MISSING:-d}", None, id="default of an unknown is unknown"),
        pytest.param("${A:-$MISSING}", "x", id="unused default may be unknown"),
        pytest.param("${EMPTY:-$MISSING}", None, id="used default unknown"),
        pytest.param("${A?must}", "x", id="? set"),
        pytest.param("${P#*/}", "bar.tar.gz", id="# shortest prefix"),
        pytest.param("${P%.*}", "foo/bar.tar", id="% shortest suffix"),
        pytest.param("${P%%.*}", "foo/bar", id="%% longest suffix"),
        pytest.param("${P##*.}", "gz", id="## longest prefix"),
        pytest.param("${P/foo/x}", None, id="replacement not evaluated"),
        pytest.param("\\$A", "$A", id="escaped dollar"),
        pytest.param("\\${A}", "${A}", id="escaped braces"),
        pytest.param("'$A'", "$A", id="single quotes are literal"),
        pytest.param('"$A b"', "x b", id="double quotes expand"),
        pytest.param('"a\\"b"', 'a"b', id="escaped quote in double quotes"),
        pytest.param("a\\ b", "a b", id="escaped space"),
        pytest.param("$", "$", id="lone dollar"),
        pytest.param("$1", None, id="positional is unknown"),
        pytest.param("${", None, id="missing brace"),
        pytest.param("${}", None, id="bad substitution"),
        pytest.param("${A:=x}", None, id="unsupported modifier"),
        pytest.param("'open", None, id="unterminated quote"),
        pytest.param("", "", id="empty"),
    ],
)
def test_expand(text: str, expected: str | None) -> None:
    assert expand(text, ENV) == expected


def test_expand_with_backtick_escape() -> None:
    assert expand("`$A c:\\x", ENV, escape="`") == "$A c:\\x"


# --- argument helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sources", "dest", "from_"),
    [
        pytest.param("COPY a b /d/", ("a", "b"), "/d/", None, id="shell words"),
        pytest.param('COPY ["a b", "/d"]', ("a b",), "/d", None, id="json"),
        pytest.param("COPY --from=build /venv /venv", ("/venv",), "/venv", "build", id="from"),
        pytest.param('COPY "a b" c', ('"a', 'b"'), "c", None, id="quotes do not group"),
        pytest.param("ADD https://x/y.tgz /y", ("https://x/y.tgz",), "/y", None, id="add url"),
    ],
)
def test_copy_args(text: str, sources: tuple[str, ...], dest: str, from_: str | None) -> None:
    instr = parse_ok("FROM a\n" + text).instructions[1]
    args = copy_args(instr)
    assert args is not None
    assert (tuple(s.path for s in args.sources), args.dest, args.from_) == (sources, dest, from_)
    assert not any(s.is_heredoc for s in args.sources)


def test_copy_args_of_other_instructions() -> None:
    assert copy_args(only("FROM a\nRUN x y", "RUN")) is None


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        pytest.param("ENV A=1", (("A", "1"),), id="one"),
        pytest.param(
            'ENV A=1 B="two words" C=', (("A", "1"), ("B", '"two words"'), ("C", "")), id="several"
        ),
        pytest.param(
            "ENV PATH /opt/venv/bin:$PATH", (("PATH", "/opt/venv/bin:$PATH"),), id="legacy"
        ),
        pytest.param("ENV MSG hello world", (("MSG", "hello world"),), id="legacy with spaces"),
        pytest.param("ENV A=a\\ b", (("A", "a\\ b"),), id="escaped space kept raw"),
    ],
)
def test_env_pairs(text: str, pairs: tuple[tuple[str, str], ...]) -> None:
    assert env_pairs(only("FROM a\n" + text, "ENV")) == pairs


def test_env_values_expand_to_what_buildkit_uses() -> None:
    pairs = env_pairs(only('FROM a\nENV B="two words"', "ENV"))
    assert expand(pairs[0][1], {}) == "two words"


@pytest.mark.parametrize(
    ("text", "decls"),
    [
        pytest.param("ARG A", (ArgDecl("A", None, 2),), id="no default"),
        pytest.param("ARG A=1 B", (ArgDecl("A", "1", 2), ArgDecl("B", None, 2)), id="several"),
        pytest.param('ARG A="x y"', (ArgDecl("A", '"x y"', 2),), id="quoted default"),
        pytest.param("ARG A=", (ArgDecl("A", "", 2),), id="empty default"),
    ],
)
def test_arg_decls(text: str, decls: tuple[ArgDecl, ...]) -> None:
    assert arg_decls(only("FROM a\n" + text, "ARG")) == decls


def test_workdir_user_shell() -> None:
    dockerfile = parse_ok('FROM a\nWORKDIR /app/$X\nUSER app:app\nSHELL ["bash", "-c"]')
    wd, us, sh = dockerfile.instructions[1:]
    assert (workdir(wd), user(us), shell(sh)) == ("/app/$X", "app:app", ("bash", "-c"))
    assert (workdir(us), user(wd), shell(wd)) == (None, None, None)


# --- errors (where BuildKit refuses to build) ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        pytest.param("", [ParseError("the Dockerfile cannot be empty")], id="empty"),
        pytest.param("# only\n\n", [ParseError("file with no instructions")], id="only comments"),
        pytest.param(
            "ARG A=1\n", [ParseError("dockerfile contains no stages to build")], id="no FROM"
        ),
        pytest.param(
            "FROM a\nRUNN x\n", [ParseError("unknown instruction: RUNN", 2)], id="unknown keyword"
        ),
        pytest.param(
            "FROM\n",
            [ParseError("FROM requires either one or three arguments", 1)],
            id="FROM without image",
        ),
        pytest.param(
            "FROM a b\n",
            [ParseError("FROM requires either one or three arguments", 1)],
            id="FROM two words",
        ),
        pytest.param(
            "FROM a AS 1x\n",
            [
                ParseError(
                    'invalid name for build stage: "1x",'
                    " name can't start with a number or contain symbols",
                    1,
                )
            ],
            id="bad stage name",
        ),
        pytest.param(
            "RUN x\nFROM a\n",
            [ParseError("no build stage in current context", 1)],
            id="instruction before FROM",
        ),
        pytest.param(
            "FROM a\nRUN <<EOF\nx\n",
            [ParseError("unterminated heredoc <<EOF", 2)],
            id="unterminated heredoc",
        ),
        pytest.param(
            "FROM a\nCOPY x\n",
            [
                ParseError(
                    "COPY requires at least two arguments, but only one was provided."
                    " Destination could not be determined",
                    2,
                )
            ],
            id="COPY without dest",
        ),
        pytest.param(
            "FROM a\nCOPY x <<EOF\nEOF\n",
            [ParseError("COPY cannot accept a heredoc as a destination", 2)],
            id="heredoc dest",
        ),
        pytest.param(
            "FROM a\nSHELL bash -c\n",
            [ParseError("SHELL requires the arguments to be in JSON form", 2)],
            id="SHELL not JSON",
        ),
        pytest.param(
            'FROM a\nCMD ["a", 1]\n',
            [
                ParseError(
                    "when using JSON array syntax, arrays must be comprised of strings only", 2
                )
            ],
            id="JSON of non-strings",
        ),
        pytest.param(
            "FROM a\nENV A\n", [ParseError("ENV must have two arguments", 2)], id="ENV name only"
        ),
        pytest.param(
            "FROM a\nENV A=1 B\n",
            [ParseError("Syntax error - can't find = in 'B'. Must be of the form: name=value", 2)],
            id="ENV mixed forms",
        ),
        pytest.param(
            "FROM a\nARG =1\n", [ParseError("ARG names can not be blank", 2)], id="ARG blank"
        ),
        pytest.param(
            "FROM a\nWORKDIR\n",
            [ParseError("WORKDIR requires exactly one argument", 2)],
            id="WORKDIR empty",
        ),
        pytest.param(
            "FROM a\nONBUILD ONBUILD RUN x\n",
            [ParseError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", 2)],
            id="ONBUILD ONBUILD",
        ),
        pytest.param(
            "FROM a\nONBUILD FROM b\n",
            [ParseError("FROM isn't allowed as an ONBUILD trigger", 2)],
            id="ONBUILD FROM",
        ),
        pytest.param(
            "# escape=x\nFROM a\n",
            [ParseError("invalid escape token 'x' does not match ` or \\", 1)],
            id="bad escape",
        ),
        pytest.param(
            "# syntax=a\n# syntax=b\nFROM a\n",
            [ParseError("only one syntax parser directive can be used", 2)],
            id="directive twice",
        ),
        pytest.param(
            "FROM a\nHEALTHCHECK TCP 80\n",
            [ParseError('Unknown type "TCP" in HEALTHCHECK (try CMD)', 2)],
            id="healthcheck type",
        ),
    ],
)
def test_errors(text: str, errors: list[ParseError]) -> None:
    assert parse_dockerfile(text)[1] == errors


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("FROM a\nRUN x \\", id="RUN ending in escape at EOF"),
        pytest.param("FROM a\nCMD [python, app]", id="invalid JSON CMD"),
        pytest.param("FROM a AS b\nFROM a AS b", id="duplicate stage names only warn"),
        pytest.param("FROM a\nRUN\n", id="empty RUN"),
        pytest.param("FROM a\nONBUILD FOO bar", id="ONBUILD trigger checked only when triggered"),
        pytest.param("FROM a\nHEALTHCHECK NONE", id="healthcheck none"),
    ],
)
def test_accepted_like_buildkit(text: str) -> None:
    assert parse_dockerfile(text)[1] == []


def test_data_is_returned_with_errors() -> None:
    dockerfile, errors = parse_dockerfile("FROM a\nBOGUS x\nRUN y")
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "BOGUS", "RUN"]
    assert errors == [ParseError("unknown instruction: BOGUS", 2)]


# --- compose YAML in a "Dockerfile" --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("services:\n  web:\n    build: .\n", True, id="services"),
        pytest.param('version: "3.8"\nservices:\n  web:\n    image: x\n', True, id="version first"),
        pytest.param("# compose\n---\nname: app\nservices: {}\n", True, id="comment, marker, name"),
        pytest.param("x-common: &c\n  a: 1\nservices:\n  a: {}\n", True, id="extension key"),
        pytest.param("FROM python\nRUN echo services:\n", False, id="dockerfile"),
        pytest.param("version: 1\nother: 2\n", False, id="no services"),
        pytest.param("FROM a\nservices:\n", False, id="starts with an instruction"),
        pytest.param("", False, id="empty"),
    ],
)
def test_looks_like_compose_yaml(text: str, expected: bool) -> None:
    assert looks_like_compose_yaml(text) is expected


# --- properties ----------------------------------------------------------------------------

DOCKERFILE_TEXT = st.lists(
    st.sampled_from(
        [
            "FROM a",
            "FROM a AS b",
            "RUN x",
            "RUN <<EOF",
            "EOF",
            "COPY <<A /d",
            "A",
            "ARG V=1",
            "ONBUILD RUN <<X",
            "X",
            "# escape=`",
            "\\",
            "`",
            "  ",
            "# c",
            'CMD ["a"]',
            "ENV a b",
            "RUN a \\",
            "\t<<-T",
            "\r",
            "${V:-x}",
            "\ufeff",
            "\x00",
        ]
    )
    | st.text(max_size=20)
).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    dockerfile, errors = parse_dockerfile(text)
    assert all(isinstance(e, ParseError) for e in errors)
    for instr in dockerfile.instructions:
        assert 1 <= instr.start_line <= instr.end_line
        copy_args(instr)


@settings(max_examples=200, deadline=None)
@given(DOCKERFILE_TEXT)
def test_dockerfile_like_text_never_raises(text: str) -> None:
    dockerfile, _ = parse_dockerfile(text)
    lines = text.count("\n") + 1
    for instr in dockerfile.instructions:
        assert instr.end_line <= lines
        assert -1 <= instr.stage < len(dockerfile.stages)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_decoded_bytes_never_raise(data: bytes) -> None:
    parse_dockerfile(data.decode("utf-8", errors="replace"))
    looks_like_compose_yaml(data.decode("latin-1"))


@settings(max_examples=200, deadline=None)
@given(st.text(), st.dictionaries(st.text(max_size=3), st.text(max_size=5)), st.sampled_from("\\`"))
def test_expand_never_raises(text: str, env: dict[str, str], escape: str) -> None:
    result = expand(text, env, escape)
    assert result is None or isinstance(result, str)
