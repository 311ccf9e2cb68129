"""No export names a folder of the machine that loaded the data: file names and sha256 only,
and a redacted export not even the file names."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from neo4j import Driver

from cibgraph.export import FORMATS, ExportFormat, Redaction, select_network, write_export
from tests.export.conftest import Demo


def _text(path: Path) -> str:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return "\n".join(zf.read(name).decode() for name in zf.namelist())
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("redacted", [False, True])
def test_no_export_holds_a_local_path(
    demo: Demo, db: Driver, tmp_path: Path, fmt: ExportFormat, redacted: bool
) -> None:
    folder = str(demo.bundle.resolve())
    stored = db.execute_query("MATCH (s:Source) RETURN s.path AS path, s.name AS name")[0]
    assert len(stored) == 9 and all(r["path"].startswith(folder) for r in stored)
    redaction = Redaction(salt="pepper-pepper") if redacted else None
    out = tmp_path / f"out{FORMATS[fmt]}"
    write_export(select_network(db, network=demo.network, redaction=redaction), fmt, out)
    text = _text(out)
    assert folder not in text
    assert str(tmp_path) not in text
    assert str(Path.home()) not in text
    if fmt in ("json", "csv"):
        if fmt == "csv":
            with zipfile.ZipFile(out) as zf:
                prov = json.loads(zf.read("provenance.json"))
        else:
            prov = json.loads(text)["graph"]["provenance"]
        names = sorted(s.get("name", "") for s in prov["sources"])
        if redacted:
            assert names == [""] * 9
        else:
            assert names == sorted(r["name"] for r in stored)
        assert all(len(s["sha256"]) == 64 and "path" not in s for s in prov["sources"])
