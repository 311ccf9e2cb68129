"""Where the package's runtime files live: the named queries, the Browser assets, the JSON Schemas.

They ship inside the package (package data) and are found through `importlib.resources`, so an
installed wheel finds them exactly as a checkout does. cibgraph needs them as real files (the
query registry walks folders, the asset server serves a directory), so a zipped install is not
supported; every pip install unpacks the wheel.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(*parts: str) -> Path:
    """The path of a file or folder shipped inside the `cibgraph` package."""
    root = files("cibgraph")
    if not isinstance(root, Path):  # pragma: no cover - only for a zipped install
        raise RuntimeError("cibgraph must be installed unpacked (pip always does)")
    return root.joinpath(*parts)


CYPHER_DIR = package_path("cypher")
BROWSER_ASSETS = package_path("assets", "browser")
BUNDLE_SCHEMAS = package_path("assets", "bundle")
