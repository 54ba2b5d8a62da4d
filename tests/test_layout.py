"""The dependency rule of docs/architecture.md, checked on the source: no import circle, libraries
free of Django, backend reaching workers only to enqueue, no first-party import hidden in a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("client", "media", "search", "storage", "subtitles")
PACKAGES = ("backend", "workers", *LIBRARIES)
# Where backend may import workers: receivers enqueue tasks, health asks about queues, and the
# project package loads the Celery app with Django.
ENQUEUERS = ("receivers.py", "backend/common/health.py", "backend/exchange/__init__.py")
FRAMEWORKS = ("django", "rest_framework", "celery", "kombu", "knox", "drf_spectacular", "django_filters")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(path: Path, nodes) -> set[str]:
    module, names = _module_name(path), set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node, path.name == "__init__.py")
            names |= {f"{target}.{alias.name}" for alias in node.names} | {target}
    return names


def _sources() -> dict[str, Path]:
    files = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]
    return {_module_name(path): path for path in files}


SOURCES = _sources()


def _module_level_imports(path: Path) -> set[str]:
    return _imports(path, ast.parse(path.read_text()).body)


def _first_party(names: set[str]) -> set[str]:
    """Imported names reduced to the first-party modules that exist (``a.b.C`` → ``a.b``)."""
    found = set()
    for name in names:
        while name and name not in SOURCES:
            name = name.rpartition(".")[0]
        if name:
            found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in SOURCES.items():
        targets = _first_party(_module_level_imports(path))
        # Importing a.b.c runs a/__init__ and a/b/__init__ too, except those of the importing
        # module's own packages, which are already running (a package re-exporting its modules).
        parents = {t.rsplit(".", i)[0] for t in targets for i in range(1, t.count(".") + 1)}
        own = {module.rsplit(".", i)[0] for i in range(0, module.count(".") + 1)}
        graph[module] = (targets | parents) - own
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("library", LIBRARIES)
def test_libraries_know_nothing_of_django_or_the_rest_of_the_project(library):
    for module, path in SOURCES.items():
        if module.split(".")[0] != library:
            continue
        imported = _module_level_imports(path) | _function_level_imports(path)
        roots = {name.split(".")[0] for name in imported}
        assert not roots & set(FRAMEWORKS), f"{module} imports {roots & set(FRAMEWORKS)}"
        assert not roots & (set(PACKAGES) - {library}), f"{module} imports {roots & set(PACKAGES)}"


def test_backend_reaches_workers_only_to_enqueue():
    for module, path in SOURCES.items():
        if module.startswith("backend.") and any(
            name.split(".")[0] == "workers" for name in _module_level_imports(path)
        ):
            assert str(path.relative_to(ROOT)).endswith(ENQUEUERS), f"{module} imports workers"


def _function_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    nested = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return {name for function in nested for name in _imports(path, ast.walk(function))}


def test_no_first_party_import_is_hidden_in_a_function():
    """Except AppConfig.ready(), Django's place for connecting receivers."""
    for module, path in SOURCES.items():
        if path.name == "apps.py":
            continue
        hidden = _first_party(_function_level_imports(path))
        assert not hidden, f"{module} imports {sorted(hidden)} inside a function"
