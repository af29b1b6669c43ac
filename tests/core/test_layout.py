"""The layout promises of the README: `innovacoop/` is configuration and imports no app,
`core` imports no other app of the project, and no two modules import each other in a circle
(not even through function-level imports, which would only hide the circle)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = [
    "core",
    "members",
    "networks",
    "funding",
    "partnerships",
    "startups",
    "portal",
    "matches",
    "staff",
]
PACKAGES = ["innovacoop", *APPS, "benchmark"]


def modules():
    """{dotted module name: path} of the project's code (migrations left out: Django's)."""
    found = {}
    for package in PACKAGES:
        for path in (BASE / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(BASE).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(path, known):
    """The project modules a file imports, wherever the import statement is (module level,
    function, AppConfig.ready), resolved to the longest known module name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    resolved = set()
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            resolved.add(name)
    return resolved


def graph():
    known = modules()
    return {name: imports_of(path, known) - {name} for name, path in known.items()}


def test_the_import_graph_is_read():
    edges = graph()
    assert "funding.alerts" in edges["funding.tasks"]
    assert "core.queueing" in edges["funding.alerts.outbox"]
    assert "funding.tasks" in edges["funding.apps"]  # imports inside functions count too


@pytest.mark.parametrize("package", ["innovacoop", "core"])
def test_configuration_and_core_import_no_other_package_of_the_project(package):
    offending = {
        (module, target)
        for module, targets in graph().items()
        if module.split(".")[0] == package
        for target in targets
        if target.split(".")[0] != package
    }
    assert offending == set()


def test_no_two_modules_import_each_other_in_a_circle():
    edges = graph()
    # A package's __init__ importing its own submodules is how a package exposes them.
    edges = {
        module: {
            t for t in targets if not (t.startswith(module + ".") or module.startswith(t + "."))
        }
        for module, targets in edges.items()
    }
    # AppConfig.ready imports the app's signal and task modules (Django's place for them);
    # nothing imports an apps module back, so they close no circle.
    cycles = []
    state = {}

    def visit(module, stack):
        state[module] = "open"
        stack.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [])
    assert cycles == []
