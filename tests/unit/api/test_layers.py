"""The API's layers point one way: controllers call services, never the reverse, so a service
can be used (and tested) without the HTTP layer."""

from __future__ import annotations

import ast
from pathlib import Path

import airdeck_api.services

HTTP_LAYER = "airdeck_api.controllers"


def imported_modules(tree: ast.AST, package: str) -> list[str]:
    """Every module ``tree`` imports, relative imports resolved against ``package``."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.append(module)
            # ``from airdeck_api import controllers`` names the layer as an imported name.
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def test_the_scan_sees_an_import_of_the_http_layer() -> None:
    tree = ast.parse(
        "from airdeck_api.controllers.schemas import X\n"
        "import airdeck_api.controllers.dags\n"
        "from airdeck_api import controllers\n"
        "from ..controllers import audit\n"
    )
    found = [
        name
        for name in imported_modules(tree, "airdeck_api.services")
        if name == HTTP_LAYER or name.startswith(HTTP_LAYER + ".")
    ]
    assert len(found) >= 4


def test_no_service_imports_a_controller() -> None:
    root = Path(airdeck_api.services.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert len(files) >= 10
    offenders = [
        f"{path.relative_to(root)}: {name}"
        for path in files
        for name in imported_modules(ast.parse(path.read_text()), "airdeck_api.services")
        if name == HTTP_LAYER or name.startswith(HTTP_LAYER + ".")
    ]
    assert offenders == []


def test_no_service_imports_the_airflow_adapter() -> None:
    # Services talk to Airflow through ``services.ports.AirflowPort`` only, so a fake can
    # stand in for the httpx client in their unit tests.
    root = Path(airdeck_api.services.__file__).parent
    offenders = [
        f"{path.relative_to(root)}: {name}"
        for path in sorted(root.rglob("*.py"))
        for name in imported_modules(ast.parse(path.read_text()), "airdeck_api.services")
        if name.startswith(("airdeck_adapters.airflow", "httpx"))
    ]
    assert offenders == []
