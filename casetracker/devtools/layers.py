"""The layering check: the edge may import any domain; domains form no cycles.

Edge modules: route modules (``views``/``api``), ``web/``, ``devtools/``, ``main``, ``cli``,
``demo``, ``case_types`` and ``models``. Every other module under casetracker/ is domain.
Every import statement counts, including those inside functions and ``if TYPE_CHECKING:``.
An import edge points at the module named (``from casetracker.x import y`` points at
``casetracker.x.y`` when that is a module, else at ``casetracker.x``); the parent packages'
``__init__`` modules that Python also runs are not counted as edges.

Rules:
  package-cycle          domain packages (first component under casetracker/) form no cycle
  module-cycle           no module imports itself round a circle, edge included
  domain-imports-web     no domain module imports casetracker.web
  function-level-import  no domain module imports a casetracker module inside a function,
                         unless the line says ``# layers: allow-local-import (reason)``
"""

import ast
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "casetracker"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
EDGE_TOP = frozenset({"web", "devtools", "main", "cli", "demo", "case_types", "models"})
EDGE_ROUTES = frozenset({"views", "api"})
WEB = f"{PACKAGE}.web"
ALLOW_LOCAL = re.compile(r"#\s*layers:\s*allow-local-import\s*\(\s*[^)\s][^)]*\)")

Graph = dict[str, set[str]]
Edges = dict[tuple[str, str], list["Import"]]


@dataclass(frozen=True)
class Import:
    """One casetracker module named by one import statement."""

    source: str
    target: str
    path: str
    line: int
    text: str
    local: bool
    allowed: bool

    @property
    def evidence(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


@dataclass(frozen=True)
class Violation:
    rule: str
    path: str
    evidence: tuple[str, ...]
    cycles: tuple[str, ...] = ()

    def render(self) -> str:
        lines = [f"{self.rule}: {self.path}"]
        lines += [f"  cycle: {cycle}" for cycle in self.cycles]
        lines += [f"  {line}" for line in self.evidence]
        return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    modules: int
    imports: int
    violations: tuple[Violation, ...]

    def render(self) -> str:
        if not self.violations:
            return f"layers: OK ({self.modules} modules, {self.imports} casetracker imports)"
        body = "\n\n".join(v.render() for v in self.violations)
        return f"{body}\n\nlayers: {len(self.violations)} violation(s)"


def find_modules(root: Path) -> dict[str, Path]:
    """Every module under root/casetracker, by dotted name (packages by their __init__)."""
    if not (root / PACKAGE).is_dir():
        raise FileNotFoundError(f"no {PACKAGE}/ package under {root}")
    modules: dict[str, Path] = {}
    for file in sorted((root / PACKAGE).rglob("*.py")):
        parts = file.relative_to(root).with_suffix("").parts
        if all(part.isidentifier() for part in parts):
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return modules


def is_edge(module: str) -> bool:
    parts = module.split(".")[1:]
    return bool(parts) and (parts[0] in EDGE_TOP or not EDGE_ROUTES.isdisjoint(parts))


def package_of(module: str) -> str:
    """``casetracker.cases.service`` → ``cases``; ``casetracker.models`` → ``models``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _resolve(name: str, modules: Mapping[str, Path]) -> str | None:
    """The longest prefix of a dotted casetracker name that is a module of the tree."""
    if name != PACKAGE and not name.startswith(f"{PACKAGE}."):
        return None
    parts = name.split(".")
    while parts and ".".join(parts) not in modules:
        parts.pop()
    return ".".join(parts) or None


def _targets(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool, modules: Mapping[str, Path]
) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = module.split(".") if is_package else module.split(".")[:-1]
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
            for alias in node.names
        ]
    return {target for name in names if (target := _resolve(name, modules))}


def _import_nodes(
    node: ast.AST, local: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement below node, and whether it sits inside a function body."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, local
        else:
            inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from _import_nodes(child, inner)


def collect_imports(root: Path, modules: Mapping[str, Path]) -> list[Import]:
    imports: list[Import] = []
    for module, file in sorted(modules.items()):
        source = file.read_text(encoding="utf-8")
        lines = source.splitlines()
        path = file.relative_to(root).as_posix()
        for node, local in _import_nodes(ast.parse(source, filename=str(file))):
            own_lines = lines[node.lineno - 1 : node.end_lineno or node.lineno]
            allowed = any(ALLOW_LOCAL.search(line) for line in own_lines)
            text = ast.unparse(node)
            for target in sorted(_targets(node, module, file.name == "__init__.py", modules)):
                imports.append(Import(module, target, path, node.lineno, text, local, allowed))
    return imports


def strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component: list[str] = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _shortest_path(
    graph: Mapping[str, set[str]], start: str, goal: str, within: set[str]
) -> list[str]:
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue and goal not in previous:
        node = queue.popleft()
        for succ in sorted(graph.get(node, set()) & within):
            previous.setdefault(succ, node)
            queue.append(succ)
    path = [goal]
    while (step := previous[path[-1]]) is not None:
        path.append(step)
    return path[::-1]


def covering_cycles(graph: Mapping[str, set[str]], component: list[str]) -> list[list[str]]:
    """Short cycles inside a component that between them use every edge of it."""
    within = set(component)
    covered: set[tuple[str, str]] = set()
    cycles: list[list[str]] = []
    for node in component:
        for succ in sorted(graph.get(node, set()) & within):
            if (node, succ) in covered:
                continue
            cycle = [node, *_shortest_path(graph, succ, node, within)]
            covered.update(zip(cycle, cycle[1:], strict=False))
            first = cycle.index(min(cycle[:-1]))
            cycles.append(cycle[first:-1] + cycle[: first + 1])
    return sorted(cycles, key=lambda cycle: (len(cycle), cycle))


def _edges(imports: Iterable[Import], by_package: bool) -> tuple[Graph, Edges]:
    graph: Graph = {}
    edges: Edges = {}
    for imp in imports:
        source, target = imp.source, imp.target
        if by_package:
            source, target = package_of(source), package_of(target)
            if source == target:
                continue
        graph.setdefault(source, set()).add(target)
        edges.setdefault((source, target), []).append(imp)
    return graph, edges


def _evidence(imports: Iterable[Import]) -> tuple[str, ...]:
    ordered = sorted(imports, key=lambda imp: (imp.path, imp.line))
    return tuple(dict.fromkeys(imp.evidence for imp in ordered))


def package_cycles(domain: Iterable[Import]) -> Iterator[Violation]:
    graph, edges = _edges(domain, by_package=True)
    for component in strongly_connected(graph):
        if len(component) > 1:
            members = set(component)
            inside = [imp for (a, b), found in edges.items() if {a, b} <= members for imp in found]
            cycles = tuple(" → ".join(c) for c in covering_cycles(graph, component))
            yield Violation("package-cycle", " ↔ ".join(component), _evidence(inside), cycles)


def module_cycles(imports: Iterable[Import]) -> Iterator[Violation]:
    graph, edges = _edges(imports, by_package=False)
    for component in strongly_connected(graph):
        if len(component) > 1 or component[0] in graph.get(component[0], set()):
            for cycle in covering_cycles(graph, component):
                steps = zip(cycle, cycle[1:], strict=False)
                found = [imp for step in steps for imp in edges[step]]
                yield Violation("module-cycle", " → ".join(cycle), _evidence(found))


def web_imports(domain: Iterable[Import]) -> Iterator[Violation]:
    for imp in domain:
        if imp.target == WEB or imp.target.startswith(f"{WEB}."):
            yield Violation("domain-imports-web", f"{imp.source} → {imp.target}", (imp.evidence,))


def local_imports(domain: Iterable[Import]) -> Iterator[Violation]:
    statements: dict[str, list[Import]] = {}
    for imp in domain:
        if imp.local and not imp.allowed:
            statements.setdefault(imp.evidence, []).append(imp)
    for evidence, found in statements.items():
        targets = ", ".join(imp.target for imp in found)
        yield Violation("function-level-import", f"{found[0].source} → {targets}", (evidence,))


def check(root: Path = PROJECT_ROOT) -> Report:
    modules = find_modules(root)
    imports = collect_imports(root, modules)
    domain = [imp for imp in imports if not is_edge(imp.source)]
    violations = (
        *package_cycles(domain),
        *module_cycles(imports),
        *web_imports(domain),
        *local_imports(domain),
    )
    return Report(len(modules), len(imports), violations)
