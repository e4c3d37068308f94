"""The package's layout keeps its rule: recognising never imports TensorFlow."""
import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "digitpad"
TENSORFLOW = {"tensorflow", "keras"}


def _modules(folder):
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_roots(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_only_the_training_folder_imports_tensorflow():
    outside = [
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if "training" not in path.relative_to(PACKAGE).parts and TENSORFLOW & set(_imported_roots(path))
    ]
    assert outside == []


def test_every_module_outside_training_imports_without_loading_tensorflow():
    modules = [name for name in _modules(PACKAGE) if not name.startswith("digitpad.training.")]
    modules += ["digitpad.training", "digitpad.training.data"]  # data reads files; only a download needs Keras
    assert "digitpad.recognition.recognizer" in modules and "digitpad.gui.app" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    if name != 'digitpad.__main__':\n"
        "        importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(TENSORFLOW)!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
