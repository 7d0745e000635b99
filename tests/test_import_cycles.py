"""archive/ has no import cycles, counting imports inside functions too: a cycle
hidden behind a function-level import is still two modules that cannot be read,
tested or moved apart (issue 15: a newcomer should find their way in)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "archive").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            # The deepest module of ours the import names (a name imported from a module is the module).
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                out.add(target)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


# The search engine's stores call back into each other lazily: the caches (bitmaps)
# ask search to prepare a big archive in the background and read a sort order
# (sortkey), which is itself a cached value.  Known, kept inside archive/store/, and
# not to grow: any other cycle, or a new member of this one, fails.
STORE_ENGINE = {"archive.store.bitmaps", "archive.store.facets", "archive.store.licences", "archive.store.check_state",
                "archive.store.photos", "archive.store.search", "archive.store.sortkey", "archive.store.word_pairs"}


def test_archive_has_no_import_cycles():
    modules = _modules()
    # A package's __init__ that re-exports its modules is its modules' face, not a
    # dependency of theirs: edges into a package from inside it are left out above.
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    cycles = _cycles(graph)
    assert all(set(c) <= STORE_ENGINE for c in cycles), cycles
    # The two circles a review found are gone (credit <-> agencies, the check service <-> records).
    assert "archive.articles.credit" not in graph["archive.articles.agencies"]
    assert "archive.records" not in graph["archive.checking"]


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
