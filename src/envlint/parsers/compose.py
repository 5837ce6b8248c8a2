"""Compose files as compose-go loads them, read through PyYAML's node API: every value keeps
its line, and aliases are never expanded (a billion-laughs file costs its own size)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from envlint.model import ParseError

if TYPE_CHECKING:
    from yaml.nodes import Node

ContextKind = Literal["local", "absolute", "home", "remote", "image", "service", "other"]
YamlPath = tuple[str, ...]  # keys below `services`, e.g. ("web", "build", "context")

_BASES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
_NAME = re.compile(r"(?P<prefix>(?:docker-)?compose)(?:\.(?P<middle>.+?))?\.(?P<ext>ya?ml)")
_REMOTE = ("https://", "http://", "git://", "ssh://", "github.com/", "git@")
_VARIABLE = re.compile(r"(?<!\$)(?:\$\$)*\$[{A-Za-z_]")  # `$$` is a literal `$`
_NULL, _MERGE = "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"
_BUILD_KEYS = ("context", "dockerfile", "dockerfile_inline", "target", "additional_contexts")
_PATTERNS = ("ignore", "include")
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})  # Go's strconv.ParseBool
_BUDGET = 1_000_000  # mapping entries read per document, merges included


def context_kind(value: str) -> ContextKind:
    """What a build context names, as compose-go's absContextPath tells them apart."""
    if value.startswith("service:"):
        return "service"
    if value.startswith("docker-image://"):
        return "image"
    if value.startswith(_REMOTE):
        return "remote"
    if "://" in value:
        return "other"
    if value.startswith(("/", "\\\\")) or re.match(r"[A-Za-z]:[\\/]", value):
        return "absolute"
    return "home" if value.startswith("~") else "local"


@dataclass(frozen=True)
class Text:
    """A scalar as written (no interpolation) and where: 1-based line and column."""

    value: str
    line: int
    column: int = 1
    file: str = ""

    @property
    def has_variable(self) -> bool:
        return _VARIABLE.search(self.value) is not None


@dataclass(frozen=True)
class Build:
    line: int  # of the `build` key
    context: Text | None = None  # None: the project directory
    dockerfile: Text | None = None  # None: `Dockerfile` in the context
    dockerfile_inline: Text | None = None
    target: Text | None = None
    additional_contexts: tuple[tuple[str, Text], ...] = ()
    file: str = ""

    def context_dir(self, project_dir: str = "") -> str | None:
        """The context relative to the linted root, given the base compose file's directory;
        None when unknown: a variable, a remote, absolute or home path, outside the root."""
        value = self.context.value if self.context else "."
        if (self.context and self.context.has_variable) or context_kind(value) != "local":
            return None
        return _join(project_dir, value)

    def dockerfile_path(self, project_dir: str = "") -> str | None:
        """The Dockerfile relative to the linted root (`dockerfile` is relative to the
        context); None with `dockerfile_inline` or when unknown."""
        context = self.context_dir(project_dir)
        name = self.dockerfile.value if self.dockerfile else "Dockerfile"
        if context is None or self.dockerfile_inline or context_kind(name) != "local":
            return None
        return None if self.dockerfile and self.dockerfile.has_variable else _join(context, name)


@dataclass(frozen=True)
class Volume:
    line: int
    type: str | None  # bind, volume, tmpfs, ...; None when a variable hides the source
    source: str | None  # host path or volume name; None for an anonymous volume
    target: str | None
    read_only: bool = False
    file: str = ""

    @property
    def has_variable(self) -> bool:
        return any(_VARIABLE.search(v or "") for v in (self.source, self.target))


@dataclass(frozen=True)
class WatchRule:
    """A `develop.watch` rule; `path` is relative to the project directory."""

    line: int
    action: Text | None = None
    path: Text | None = None
    target: Text | None = None
    ignore: tuple[Text, ...] = ()
    include: tuple[Text, ...] = ()
    file: str = ""


@dataclass(frozen=True)
class Service:
    name: str
    line: int
    build: Build | None = None
    image: Text | None = None
    volumes: tuple[Volume, ...] = ()
    watch: tuple[WatchRule, ...] = ()
    extends: bool = False  # `extends` may bring build and volumes from elsewhere
    file: str = ""


@dataclass(frozen=True)
class ComposeFile:
    services: tuple[Service, ...] = ()
    resets: frozenset[YamlPath] = frozenset()  # `!reset`/`!override`: dropped from the base
    include: bool = False  # a top-level `include` brings in services from other files
    file: str = ""

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)


def parse_compose(text: str, file: str = "") -> tuple[ComposeFile, list[ParseError]]:
    """Read a compose file; each YAML document merges onto the ones before it (compose-go).
    `file` is copied into every located value, for findings after `merge_compose`."""
    import yaml

    result, resets, errors = ComposeFile(file=file), set[YamlPath](), list[ParseError]()
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for root in yaml.compose_all(text, Loader=loader):
            reader = _Reader(file)
            document = reader.document(root)
            errors += reader.errors
            result, resets = merge_compose(result, document), resets | document.resets
    except yaml.MarkedYAMLError as exc:  # libyaml and PyYAML word these differently
        mark = exc.problem_mark or exc.context_mark
        message = ": ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        errors.append(ParseError(message, *((mark.line + 1, mark.column + 1) if mark else ())))
    except yaml.reader.ReaderError as exc:
        at, line_start = exc.position, text.rfind("\n", 0, exc.position) + 1
        message = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        errors.append(ParseError(message, text.count("\n", 0, at) + 1, at - line_start + 1))
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        errors.append(ParseError(f"cannot read YAML: {type(exc).__name__}: {exc}".strip()))
    return replace(result, resets=frozenset(resets)), list(dict.fromkeys(errors))


def merge_compose(base: ComposeFile, override: ComposeFile) -> ComposeFile:
    """`override` merged onto `base` as compose-go does: `build` key by key, `image`
    replaced, volumes unique by container path, watch rules appended."""
    services = {} if () in override.resets else {s.name: s for s in base.services}
    for name, service in list(services.items()):
        reset = {path[1:] for path in override.resets if path[:1] == (name,)}
        if () in reset:
            del services[name]
        elif reset:
            services[name] = _reset(service, reset)
    for service in override.services:
        old = services.get(service.name)
        services[service.name] = service if old is None else _merge_service(old, service)
    return replace(
        base, services=tuple(services.values()), include=base.include or override.include
    )


def is_compose_filename(name: str) -> bool:
    """`compose.yaml`, `docker-compose.yml`, ... and their `compose.<x>.yaml` overrides."""
    return _NAME.fullmatch(posixpath.basename(name)) is not None


def override_base(name: str) -> tuple[str, ...]:
    """For an override file, the base files to look for beside it, first found wins; ()
    for a base or a non-compose file. Compose itself loads only `*.override.y(a)ml`, onto
    the first of its default names present; other overrides are `-f` files by convention."""
    match = _NAME.fullmatch(posixpath.basename(name))
    if match is None or match["middle"] is None:
        return ()
    if match["middle"] == "override":
        return _BASES
    own = f"{match['prefix']}.{match['ext']}"
    twin = f"{match['prefix']}.{'yml' if match['ext'] == 'yaml' else 'yaml'}"
    return (own, twin, *(b for b in _BASES if b not in (own, twin)))


class _Reader:
    def __init__(self, file: str) -> None:
        self.file, self.errors, self.resets = file, list[ParseError](), set[YamlPath]()
        self.budget, self.exhausted = _BUDGET, False

    def error(self, message: str, node: Node) -> None:
        self.errors.append(ParseError(message, _line(node), node.start_mark.column + 1))

    def document(self, root: Node) -> ComposeFile:
        if _kind(root) != "mapping":
            self.error("top-level object must be a mapping", root)
            return ComposeFile(file=self.file)
        top = self.entries(root, "top-level")
        services = self.mapping(self.value(top, "services", ()), "services")
        found = [self.service(name, key, node) for name, (key, node) in services.items()]
        return ComposeFile(
            tuple(s for s in found if s), frozenset(self.resets), "include" in top, self.file
        )

    def service(self, name: str, key: Node, node: Node) -> Service | None:
        where = f"services.{name}"
        if node.tag in ("!reset", "!override"):
            self.resets.add((name,))
        if node.tag == "!reset":
            return None
        spec = self.mapping(node, where)
        develop = self.mapping(self.value(spec, "develop", (name, "develop")), f"{where}.develop")
        watch, volumes = f"{where}.develop.watch", f"{where}.volumes"
        rules = self.items(self.value(develop, "watch", (name, "develop", "watch")), watch)
        mounts = self.items(self.value(spec, "volumes", (name, "volumes")), volumes)
        return Service(
            name,
            _line(key),
            self.build(name, spec),
            self.field(spec, "image", where, (name, "image")),
            tuple({v.target: v for m in mounts if (v := self.volume(m, volumes))}.values()),
            tuple(self.watch_rule(rule, watch) for rule in rules),
            "extends" in spec,
            self.file,
        )

    def build(self, name: str, spec: dict[str, tuple[Node, Node]]) -> Build | None:
        node, where = self.value(spec, "build", (name, "build")), f"services.{name}.build"
        if node is None:
            return None
        line = _line(spec["build"][0])
        if _kind(node) == "scalar":  # the short form names the context
            return Build(line, self.text(node, where), file=self.file)
        build = self.mapping(node, where)
        fields = [self.field(build, key, where, (name, "build", key)) for key in _BUILD_KEYS[:4]]
        named = self.value(build, "additional_contexts", (name, "build", "additional_contexts"))
        where += ".additional_contexts"
        if named is not None and _kind(named) == "mapping":
            pairs = [(k, self.text(v, where)) for k, (_, v) in self.entries(named, where).items()]
        else:  # the list form: NAME=VALUE
            texts = [self.text(item, where) for item in self.items(named, where)]
            pairs = [(t.value.partition("=")[0], _after_equals(t)) for t in texts if t]
        contexts = tuple({k: t for k, t in pairs if t is not None}.items())
        context, dockerfile, inline, target = fields
        return Build(line, context, dockerfile, inline, target, contexts, self.file)

    def volume(self, node: Node, where: str) -> Volume | None:
        if _kind(node) != "mapping":
            text = self.text(node, where)
            volume = _short_volume(text, self.file) if text else None
            if isinstance(volume, str):
                self.error(f"{where}: invalid volume {node.value!r}: {volume}", node)
            return None if isinstance(volume, str) else volume
        spec = self.entries(node, where)
        kind, source, target, read_only = (
            self.field(spec, key, where) for key in ("type", "source", "target", "read_only")
        )
        if kind is None or target is None:
            self.error(f"{where}: a long-syntax volume needs a `type` and a `target`", node)
            return None
        return Volume(
            _line(node),
            None if kind.has_variable else kind.value,
            source.value if source else None,
            target.value,
            read_only is not None and read_only.value in _TRUE,
            self.file,
        )

    def watch_rule(self, node: Node, where: str) -> WatchRule:
        rule = self.mapping(node, where)
        action, path, target = (self.field(rule, k, where) for k in ("action", "path", "target"))
        ignore, include = (self.texts(self.value(rule, k), f"{where}.{k}") for k in _PATTERNS)
        return WatchRule(_line(node), action, path, target, ignore, include, self.file)

    def entries(self, node: Node, where: str) -> dict[str, tuple[Node, Node]]:
        """A mapping's entries with `<<` merges applied (own keys win, then the sources in
        order). Each source is read once, so shared anchors and cycles are cheap."""
        result: dict[str, tuple[Node, Node]] = {}
        stack, seen = [node], set[int]()
        while stack and self.budget > 0:
            current = stack.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            own: dict[str, tuple[Node, Node]] = {}
            sources: list[Node] = []
            for key, value in current.value:
                self.budget -= 1
                if key.tag == _MERGE:
                    sources += value.value if _kind(value) == "sequence" else [value]
                elif _kind(key) != "scalar":
                    self.error(f"{where}: mapping keys must be strings", key)
                elif key.value in own:  # compose-go rejects duplicates; PyYAML keeps the last
                    first = _line(own[key.value][0])
                    self.error(f"{where}: key {key.value!r} already defined at line {first}", key)
                else:
                    own[key.value] = (key, value)
            for name, pair in own.items():
                result.setdefault(name, pair)
            for source in reversed(sources):
                if _kind(source) == "mapping":
                    stack.append(source)
                else:
                    self.error(f"{where}: `<<` needs a mapping or a list of mappings", source)
        if self.budget <= 0 and not self.exhausted:
            self.exhausted = True
            self.error("too many mapping entries once merge keys are applied", node)
        return result

    def mapping(self, node: Node | None, where: str) -> dict[str, tuple[Node, Node]]:
        if node is None or _kind(node) == "mapping":
            return {} if node is None else self.entries(node, where)
        self.error(f"{where} must be a mapping", node)
        return {}

    def value(
        self, spec: dict[str, tuple[Node, Node]], key: str, path: YamlPath | None = None
    ) -> Node | None:
        """The value under `key`; None when absent, null or `!reset`."""
        node = spec[key][1] if key in spec else None
        if node is not None and path is not None and node.tag in ("!reset", "!override"):
            self.resets.add(path)
        return None if node is None or node.tag in ("!reset", _NULL) else node

    def field(
        self, spec: dict[str, tuple[Node, Node]], key: str, where: str, path: YamlPath | None = None
    ) -> Text | None:
        return self.text(self.value(spec, key, path), f"{where}.{key}")

    def text(self, node: Node | None, where: str) -> Text | None:
        if node is None or node.tag == _NULL:
            return None
        if _kind(node) == "scalar":
            return Text(node.value, _line(node), node.start_mark.column + 1, self.file)
        self.error(f"{where} must be a string", node)
        return None

    def texts(self, node: Node | None, where: str) -> tuple[Text, ...]:
        """A string or a list of strings."""
        return tuple(t for i in self.items(node, where, True) if (t := self.text(i, where)))

    def items(self, node: Node | None, where: str, scalar_ok: bool = False) -> list[Node]:
        if node is None:
            return []
        if _kind(node) == "sequence":
            return list(node.value)
        if scalar_ok and _kind(node) == "scalar":
            return [node]
        self.error(f"{where} must be a list", node)
        return []


def _kind(node: Node) -> str:
    return str(getattr(node, "id", ""))  # "scalar", "sequence" or "mapping"


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _join(base: str, relative: str) -> str | None:
    path = posixpath.normpath(posixpath.join(base or ".", relative))
    return None if path == ".." or path.startswith("../") else path


def _after_equals(text: Text) -> Text | None:
    _, equals, value = text.value.partition("=")
    return replace(text, value=value) if equals else None


def _short_volume(text: Text, file: str) -> Volume | str:
    """compose-go's format.ParseVolume on `SOURCE:TARGET[:MODE]`, or what is wrong."""
    spec = text.value
    if len(spec.encode("utf-8", "surrogatepass")) <= 2:
        return Volume(text.line, "volume", None, spec, file=file) if spec else "empty spec"
    fields: list[str] = []
    buffer, depth = "", 0
    for i, char in enumerate([*spec, ""]):
        if (char == "$" and spec[i + 1 : i + 2] == "{") or (char == "}" and depth):
            depth += 1 if char == "$" else -1
            buffer += char
        elif char == ":" and len(buffer) == 1 and buffer.isalpha():
            buffer += char  # a Windows drive, "C:"
        elif char in (":", "") and depth == 0:
            if not buffer or (len(fields) == 2 and char == ":"):
                return "too many colons" if buffer else "empty section between colons"
            fields.append(buffer)
            buffer = ""
        else:
            buffer += char
    if depth:
        return "unterminated variable"
    if len(fields) == 1:  # an anonymous volume: only the container path
        return Volume(text.line, "volume", None, fields[0], file=file)
    options = fields[2].split(",") if len(fields) > 2 else []
    read_only = next((o == "ro" for o in reversed(options) if o in ("ro", "rw")), False)
    source = fields[0]
    # compose-go's isFilePath: a relative host path must start with "." to be a bind mount.
    bind = source[:1] in (".", "/", "~") or source.startswith("\\\\") or source[1:2] == ":"
    kind = None if _VARIABLE.search(source) else "bind" if bind else "volume"
    return Volume(text.line, kind, source, fields[1], read_only, file)


def _reset(service: Service, paths: set[YamlPath]) -> Service:
    build = None if ("build",) in paths else service.build
    if build is not None:
        cleared = {p[1] for p in paths if len(p) == 2 and p[0] == "build" and p[1] in _BUILD_KEYS}
        empty: dict[str, Any] = {k: () if k == "additional_contexts" else None for k in cleared}
        build = replace(build, **empty)
    return replace(
        service,
        build=build,
        image=None if ("image",) in paths else service.image,
        volumes=() if ("volumes",) in paths else service.volumes,
        watch=() if paths & {("develop",), ("develop", "watch")} else service.watch,
    )


def _merge_service(base: Service, override: Service) -> Service:
    return replace(
        base,
        build=_merge_build(base.build, override.build),
        image=override.image or base.image,
        volumes=tuple({v.target: v for v in (*base.volumes, *override.volumes)}.values()),
        watch=base.watch + override.watch,
        extends=base.extends or override.extends,
    )


def _merge_build(base: Build | None, override: Build | None) -> Build | None:
    if base is None or override is None:
        return override or base
    origin = override if override.context else base  # the `build` key to report at
    return Build(
        origin.line,
        override.context or base.context,
        override.dockerfile or base.dockerfile,
        override.dockerfile_inline or base.dockerfile_inline,
        override.target or base.target,
        tuple((dict(base.additional_contexts) | dict(override.additional_contexts)).items()),
        origin.file,
    )
