"""Static values of a setup() call's keywords, resolved with libcst (imported lazily)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst
    from libcst import metadata
    from libcst.metadata import Assignment

_SETUP_NAMES = frozenset({"setuptools.setup", "distutils.core.setup"})


@dataclass(frozen=True)
class Text:
    """A string value and the line of the literal it came from."""

    text: str
    line: int | None
    spans_lines: bool = False  # the literal itself runs over several lines (triple quotes)


Resolved = Text | list[Text] | dict[str, Text | list[Text]]


@dataclass(frozen=True)
class SetupCall:
    """The setup() calls found; for exactly one, its keywords' static values."""

    calls: int
    line: int | None = None
    values: Mapping[str, Resolved] = field(default_factory=dict)
    unknown: frozenset[str] = frozenset()


def read_setup_call(text: str, keywords: Iterable[str]) -> SetupCall | None:
    """The setup() call of `text`; None when libcst cannot parse what Python accepts."""
    import libcst as cst
    from libcst import metadata

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None
    wrapper = metadata.MetadataWrapper(module, unsafe_skip_copy=True)
    calls = _setup_calls(wrapper)
    if len(calls) != 1:
        return SetupCall(len(calls))
    call = calls[0]
    resolver = _Resolver(wrapper)
    given = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    splat = any(arg.star == "**" for arg in call.args)
    values: dict[str, Resolved] = {}
    unknown: set[str] = set()
    for keyword in keywords:
        value = resolver.resolve(given[keyword], keyword) if keyword in given else None
        if value is not None:
            values[keyword] = value
        elif keyword in given or splat:
            # `setup(**kwargs)` may supply any keyword not written out.
            unknown.add(keyword)
    for keyword in resolver.mutated():
        values.pop(keyword, None)
        unknown.add(keyword)
    return SetupCall(1, resolver.line(call), values, frozenset(unknown))


def _setup_calls(wrapper: metadata.MetadataWrapper) -> list[cst.Call]:
    """Calls whose callee is setuptools' or distutils' `setup`, through import aliases."""
    import libcst as cst
    from libcst.metadata import QualifiedNameProvider, QualifiedNameSource

    calls: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        METADATA_DEPENDENCIES = (QualifiedNameProvider,)

        def visit_Call(self, node: cst.Call) -> None:
            names = self.get_metadata(QualifiedNameProvider, node.func, set())
            if any(
                n.name in _SETUP_NAMES and n.source is QualifiedNameSource.IMPORT for n in names
            ):
                calls.append(node)

    wrapper.visit(Finder())
    return calls


class _Resolver:
    """Resolves literals, `+` of literals and module-level names bound once to them.

    A list or dict bound to a name may be mutated through it (`reqs.append(...)`, passing it
    to a function): its value is trusted only when every use of the name is one this
    resolver followed from the setup() call.
    """

    def __init__(self, wrapper: metadata.MetadataWrapper) -> None:
        from libcst.metadata import ParentNodeProvider, PositionProvider, ScopeProvider

        self._scopes = wrapper.resolve(ScopeProvider)
        self._parents = wrapper.resolve(ParentNodeProvider)
        self._positions = wrapper.resolve(PositionProvider)
        self._followed: set[int] = set()
        self._mutable: dict[str, list[Assignment]] = {}
        self._active: set[int] = set()

    def line(self, node: cst.CSTNode) -> int | None:
        position = self._positions.get(node)
        return None if position is None else position.start.line

    def mutated(self) -> set[str]:
        """Keywords whose value came through a list/dict name used elsewhere too."""
        return {
            keyword
            for keyword, assignments in self._mutable.items()
            for assignment in assignments
            if any(id(access.node) not in self._followed for access in assignment.references)
        }

    def resolve(self, node: cst.BaseExpression, keyword: str) -> Resolved | None:
        import libcst as cst

        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            if not isinstance(value, str):
                return None
            position = self._positions.get(node)
            spans = position is not None and position.end.line > position.start.line
            return Text(value, self.line(node), spans and isinstance(node, cst.SimpleString))
        if isinstance(node, (cst.List, cst.Tuple)):
            return self._sequence(node, keyword)
        if isinstance(node, cst.Dict):
            return self._dict(node, keyword)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left, right = self.resolve(node.left, keyword), self.resolve(node.right, keyword)
            if isinstance(left, Text) and isinstance(right, Text):
                return Text(left.text + right.text, left.line)
            if isinstance(left, list) and isinstance(right, list):
                return left + right
            return None
        if isinstance(node, cst.Name):
            return self._name(node, keyword)
        return None

    def _sequence(self, node: cst.List | cst.Tuple, keyword: str) -> list[Text] | None:
        import libcst as cst

        items: list[Text] = []
        for element in node.elements:
            value = self.resolve(element.value, keyword)
            if isinstance(element, cst.StarredElement) and isinstance(value, list):
                items += value
            elif isinstance(element, cst.Element) and isinstance(value, Text):
                items.append(value)
            else:
                return None
        return items

    def _dict(self, node: cst.Dict, keyword: str) -> Resolved | None:
        import libcst as cst

        result: dict[str, Text | list[Text]] = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return None
            key, value = self.resolve(element.key, keyword), self.resolve(element.value, keyword)
            if not isinstance(key, Text) or not isinstance(value, (Text, list)):
                return None
            result[key.text] = value
        return result

    def _name(self, node: cst.Name, keyword: str) -> Resolved | None:
        import libcst as cst
        from libcst.metadata import Assignment, GlobalScope

        scope = self._scopes.get(node)
        assignments = list(scope[node.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        assignment = assignments[0]
        value = self._bound_value(assignment.node)
        # A bare alias (`b = a`) is not followed: mutations through either name are invisible.
        if value is None or isinstance(value, cst.Name):
            return None
        if not isinstance(assignment.scope, GlobalScope) or id(assignment) in self._active:
            return None
        self._active.add(id(assignment))
        try:
            result = self.resolve(value, keyword)
        finally:
            self._active.discard(id(assignment))
        self._followed.add(id(node))
        if isinstance(result, (list, dict)) and not isinstance(value, cst.Tuple):
            self._mutable.setdefault(keyword, []).append(assignment)
        return result

    def _bound_value(self, target: cst.CSTNode) -> cst.BaseExpression | None:
        """The value of `target = value` (or `target: T = value`) at the module's top level."""
        import libcst as cst

        parent = self._parents.get(target)
        statement: cst.CSTNode | None = None
        value: cst.BaseExpression | None = None
        if isinstance(parent, cst.AssignTarget):
            statement = self._parents.get(parent)
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                value = statement.value
        elif isinstance(parent, cst.AnnAssign) and parent.target is target:
            statement, value = parent, parent.value
        if statement is None or value is None:
            return None
        line = self._parents.get(statement)
        if line is None or not isinstance(self._parents.get(line), cst.Module):
            return None
        return value
