"""The plan of the code holds: the import contracts of pyproject.toml are kept, and no module
of Capacita is imported inside a function to dodge a circle."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "capacita"


def _hidden_imports(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    """Imports of `capacita.…` (or of the module's own package, relatively) written inside a
    function, without a comment on the line above saying why they must stay there."""
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom):
                ours = inner.level > 0 or (inner.module or "").startswith("capacita")
            elif isinstance(inner, ast.Import):
                ours = any(alias.name.startswith("capacita") for alias in inner.names)
            else:
                continue
            if ours and not _explained(lines, inner.lineno):
                found.append(f"{path.relative_to(root)}:{inner.lineno}")
    return found


def _explained(lines: list[str], number: int) -> bool:
    """Whether a comment stands above the block of imports that line `number` is part of."""
    index = number - 2
    while index >= 0 and (
        not lines[index].strip() or lines[index].strip().startswith(("from ", "import "))
    ):
        index -= 1
    return index >= 0 and lines[index].strip().startswith("#")


def test_no_module_of_capacita_is_imported_inside_a_function_without_a_reason():
    hidden = [
        place
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        for place in _hidden_imports(path)
    ]
    assert not hidden, hidden


def test_the_check_finds_an_import_hidden_in_a_function(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text(
        "def late():\n"
        "    from capacita.programmes.models import Programme\n"
        "    return Programme\n\n\n"
        "def explained():\n"
        "    # Models can be imported only once the app registry is ready.\n"
        "    from .agenda.models import VirtualSession\n"
        "    from .programmes.models import Programme\n"
        "    return Programme, VirtualSession\n"
    )
    assert _hidden_imports(module, tmp_path) == ["probe.py:2"]


def test_the_layers_of_pyproject_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.fail("lint-imports is not installed: `make install` installs the test extras")
    result = subprocess.run(
        [lint, "--no-cache"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_each_app_has_one_initial_migration():
    """The project has never been deployed: each app's tables come from one initial migration
    (`makemigrations --check` in `make test` says nothing is missing from it)."""
    found = {
        folder.parent.name: sorted(path.name for path in folder.glob("0*.py"))
        for folder in PACKAGE.glob("*/migrations")
    }
    assert found and all(files == ["0001_initial.py"] for files in found.values()), found
