"""The values a parsed Dockerfile is made of (see `envlint.parsers.dockerfile`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

Flag = tuple[str, "str | None"]

# BuildKit's `parser.ChompHeredocContent`: `<<-` strips leading tabs from every line.
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)


@dataclass(frozen=True)
class Heredoc:
    """One here-document of a RUN, COPY or ADD (BuildKit's `parser.Heredoc`)."""

    name: str  # the delimiter word, quotes removed
    body: str  # the lines as written, each with its line ending; tabs not yet stripped
    start_line: int  # line of the first body line (== end_line when the body is empty)
    end_line: int  # line of the terminating delimiter
    strip_tabs: bool  # written `<<-`
    expand: bool  # False when any part of the delimiter was quoted (`<<'EOF'`, `<<"EOF"`)
    fd: int = 0  # the file descriptor written before `<<` (`3<<EOF`), 0 when none

    @property
    def content(self) -> str:
        """The body as the build uses it: leading tabs removed when written `<<-`."""
        return _LEADING_TABS.sub("", self.body) if self.strip_tabs else self.body


@dataclass(frozen=True)
class Instruction:
    """One instruction, continuation lines joined, flags split off."""

    keyword: str  # upper-cased, as BuildKit compares it: "RUN", "COPY", ...
    flags: tuple[Flag, ...]  # ("from", "builder"), ("link", None), in order; repeats kept
    args: str  # the argument text after the flags, continuations removed, trimmed
    json: tuple[str, ...] | None  # exec form: the JSON array of strings; None for shell form
    start_line: int
    end_line: int  # last line, heredoc terminators included
    stage: int  # index of the stage it belongs to; -1 before the first FROM
    stage_name: str | None  # that stage's `AS` name, lower-cased as BuildKit keeps it
    heredocs: tuple[Heredoc, ...] = ()
    # ENV/LABEL (name, raw value) and ARG (name, raw default or None), quotes kept
    pairs: tuple[Flag, ...] = ()
    trigger: Instruction | None = None  # ONBUILD's instruction, run only in child builds

    def flag(self, name: str) -> str | None:
        """The last value given to `--name`, or None (also for a flag without a value)."""
        for key, value in reversed(self.flags):
            if key == name:
                return value
        return None

    def flag_values(self, name: str) -> tuple[str, ...]:
        """Every value given to a repeatable flag such as `--mount`, in order."""
        return tuple(v for k, v in self.flags if k == name and v is not None)

    def has_flag(self, name: str) -> bool:
        return any(key == name for key, _ in self.flags)


@dataclass(frozen=True)
class ArgDecl:
    """One name of an ARG instruction; `default` is raw text (see `expand`)."""

    name: str
    default: str | None
    line: int


@dataclass(frozen=True)
class Stage:
    """A build stage: its FROM and the instructions up to the next FROM."""

    index: int
    name: str | None  # `AS` name, lower-cased (BuildKit compares stage names case-insensitively)
    base: str  # the image text as written in FROM
    image: str | None  # `base` with global ARG defaults substituted; None when unresolved
    platform: str | None  # raw `--platform` value
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]  # after FROM; an ONBUILD is kept with its trigger

    @property
    def line(self) -> int:
        return self.from_instruction.start_line


@dataclass(frozen=True)
class Dockerfile:
    instructions: tuple[Instruction, ...]  # every instruction in file order
    stages: tuple[Stage, ...]
    global_args: tuple[ArgDecl, ...]  # ARGs before the first FROM
    escape: str  # "\\" or "`" (the `# escape=` parser directive)
    directives: tuple[tuple[str, str], ...]  # parser directives, names lower-cased
    global_env: tuple[tuple[str, str], ...]  # global ARGs whose default resolved

    @property
    def syntax(self) -> str | None:
        return dict(self.directives).get("syntax")

    def base_stage(self, ref: str, before: int) -> Stage | None:
        """The earlier stage a FROM names. BuildKit looks FROM up by exact name among the
        lower-cased stage names, never by index (`FROM 0` is an image; `FROM Build` is an
        invalid image reference, not the stage `build`): dockerfile2llb `addState`."""
        for st in reversed(self.stages[: max(0, min(before, len(self.stages)))]):
            if st.name is not None and st.name == ref:
                return st
        return None

    def stage(self, ref: str, before: int | None = None) -> Stage | None:
        """The stage a `COPY --from` names: a stage name (any case) or an index.

        With `before`, only stages earlier than that index count (a reference can only
        point backwards).
        """
        limit = len(self.stages) if before is None else max(0, min(before, len(self.stages)))
        candidates = self.stages[:limit]
        # BuildKit tries a number as an index first; stage names cannot start with a digit.
        if ref.isascii() and ref.isdigit():
            index = int(ref) if len(ref) < 10 else len(candidates)
            return candidates[index] if index < len(candidates) else None
        lowered = ref.lower()
        for st in reversed(candidates):
            if st.name == lowered:
                return st
        return None
