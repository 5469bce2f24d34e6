"""The domain library stays pure: importing it pulls in no framework, HTTP client or ORM."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import airdeck_domain

FORBIDDEN = (
    "httpx",
    "sqlalchemy",
    "advanced_alchemy",
    "litestar",
    "reflex",
    "starlette",
    "redis",
    "asyncpg",
    "aiosqlite",
    "airdeck_adapters",
    "airdeck_api",
    "airdeck_web",
)


def test_importing_every_module_loads_no_framework() -> None:
    modules = [m.name for m in pkgutil.iter_modules(airdeck_domain.__path__, "airdeck_domain.")]
    assert len(modules) >= 10
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_source_file_imports_a_forbidden_package() -> None:
    root = Path(airdeck_domain.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
