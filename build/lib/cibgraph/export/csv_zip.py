"""CSV export: `nodes.csv`, `edges.csv`, `README.txt` and a loadable `bundle/` folder in one zip.

`nodes.csv` and `edges.csv` hold everything, one row per node or relationship, with the usual
columns spelled out and every property in a JSON column. `bundle/` repeats the accounts, pages,
groups and the links between them in the columns of `docs/bundle.md`, so that `cibgraph load
bundle` loads them back into another Neo4j. Rows go to temporary files as they stream in and
are zipped at the end: memory stays flat.
"""

from __future__ import annotations

import csv
import json
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any

from cibgraph.export.model import ExportEdge, ExportNode, Subgraph

NODE_COLUMNS = (
    "id", "label", "key", "platform", "platform_id", "handle", "name", "followers",
    "created_at", "sources", "properties",
)  # fmt: skip
EDGE_COLUMNS = ("start", "end", "type", "run", "weight", "evidence", "sources", "properties")

BUNDLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "platform", "id", "handle", "name", "description", "location", "profile_url",
        "created_at", "followers", "following", "language", "client",
    ),
    "pages": ("platform", "id", "name", "description", "created_at", "followers"),
    "groups": ("platform", "id", "name", "description", "created_at", "members"),
    "page_admins": ("platform", "account_id", "page_id", "role"),
    "group_admins": ("platform", "account_id", "group_id", "role"),
    "group_members": ("platform", "account_id", "group_id", "joined_at"),
    "follows": ("platform", "follower_id", "target_id", "target_type"),
    "ip_logins": ("platform", "account_id", "ip", "first_seen", "last_seen", "count", "access"),
    "attributions": ("entity_type", "platform", "entity_id", "campaign", "note"),
}  # fmt: skip

README = """cibgraph export ({selection} {target}, {exported_at})

nodes.csv: one row per node.
  id           the node's id in this export: <Label>:<key>; edges.csv refers to it
  label        Account, Page, Group, IP, Url, Campaign, Network, ...
  key          the node's unique key in cibgraph (accounts: <platform>:<native id>)
  platform, platform_id, handle, name, followers, created_at (UTC, ISO 8601)
               the usual properties, empty when the node has none
  sources      the Source keys (sha256 of the loaded files) the node came from, ';'-separated
  properties   every property of the node, as a JSON object
edges.csv: one row per relationship.
  start, end   node ids (nodes.csv `id`)
  type         FOLLOWS, ADMIN_OF, MEMBER_OF, USED_IP, SHARED, COORDINATED_WITH, IN_NETWORK, ...
  run          the detection run that wrote it (detections only)
  weight       the detection's weight (detections only)
  evidence     why the link exists, in words
  sources      as for nodes
  properties   every property of the relationship, as a JSON object
bundle/: the accounts, pages, groups and their links in the bundle format of docs/bundle.md;
  load them into another cibgraph with `cibgraph load bundle bundle/`.
provenance.json: what was selected, the sources and detection runs behind it, the export's
  parameters (redaction included) and its time.
{redaction}"""


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _native(key: str) -> tuple[str, str]:
    platform, _, native = key.partition(":")
    return platform, native


class _Bundle:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.rows: dict[str, int] = {}

    def write(self, kind: str, row: dict[str, Any]) -> None:
        if kind not in self.writers:
            fh = (self.folder / f"{kind}.csv").open("w", newline="", encoding="utf-8")
            self.files[kind] = fh
            self.writers[kind] = csv.writer(fh)
            self.writers[kind].writerow(BUNDLE_COLUMNS[kind])
            self.rows[kind] = 0
        self.writers[kind].writerow([_cell(row.get(c)) for c in BUNDLE_COLUMNS[kind]])
        self.rows[kind] += 1

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()

    def node(self, node: ExportNode) -> None:
        kind = {"Account": "accounts", "Page": "pages", "Group": "groups"}.get(node.label)
        if kind is None:
            return
        p = node.props
        platform, native = _native(node.key)
        row = {**p, "platform": p.get("platform") or platform}
        row["id"] = p.get("platform_id") or native
        self.write(kind, row)

    def edge(self, edge: ExportEdge) -> None:
        start_label, _, start_key = edge.start.partition(":")
        end_label, _, end_key = edge.end.partition(":")
        platform, start_id = _native(start_key)
        _, end_id = _native(end_key)
        p = edge.props
        link = (start_label, edge.type, end_label)
        if link == ("Account", "ADMIN_OF", "Page"):
            self.write("page_admins", {**p, "platform": platform, "account_id": start_id,
                                       "page_id": end_id})  # fmt: skip
        elif link == ("Account", "ADMIN_OF", "Group"):
            self.write("group_admins", {**p, "platform": platform, "account_id": start_id,
                                        "group_id": end_id})  # fmt: skip
        elif link == ("Account", "MEMBER_OF", "Group"):
            self.write("group_members", {**p, "platform": platform, "account_id": start_id,
                                         "group_id": end_id})  # fmt: skip
        elif (
            edge.type == "FOLLOWS" and start_label == "Account" and end_label in ("Account", "Page")
        ):
            target = {"target_id": end_id, "target_type": end_label.lower()}
            self.write("follows", {"platform": platform, "follower_id": start_id, **target})
        elif link == ("Account", "USED_IP", "IP") and p.get("first_seen") and p.get("last_seen"):
            self.write("ip_logins", {**p, "platform": platform, "account_id": start_id,
                                     "ip": end_key, "count": p.get("count") or 1,
                                     "access": p.get("access") or "unknown"})  # fmt: skip
        elif edge.type == "ATTRIBUTED_TO" and end_label == "Campaign":
            if start_label == "IP":
                row = {"entity_type": "ip", "platform": None, "entity_id": start_key}
            elif start_label in ("Account", "Page", "Group"):
                row = {"entity_type": start_label.lower(), "platform": platform,
                       "entity_id": start_id}  # fmt: skip
            else:
                return
            self.write("attributions", {**row, "campaign": end_key, "note": p.get("note")})


def write_csv_zip(subgraph: Subgraph, out: Path) -> tuple[int, int]:
    """Write the zip at `out`; returns (nodes, edges)."""
    prov = subgraph.provenance
    with tempfile.TemporaryDirectory(prefix="cibgraph-export-") as tmp:
        folder = Path(tmp)
        (folder / "bundle").mkdir()
        bundle = _Bundle(folder / "bundle")
        n = m = 0
        try:
            with (folder / "nodes.csv").open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(NODE_COLUMNS)
                for node in subgraph.nodes():
                    p = node.props
                    w.writerow(
                        [node.id, node.label, node.key]
                        + [_cell(p.get(c)) for c in NODE_COLUMNS[3:9]]
                        + [";".join(p.get("sources") or []), json.dumps(p, ensure_ascii=False)]
                    )
                    bundle.node(node)
                    n += 1
            with (folder / "edges.csv").open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(EDGE_COLUMNS)
                for edge in subgraph.edges():
                    p = edge.props
                    w.writerow(
                        [edge.start, edge.end, edge.type, _cell(p.get("run")),
                         _cell(p.get("weight")), edge.evidence,
                         ";".join(p.get("sources") or []), json.dumps(p, ensure_ascii=False)]
                    )  # fmt: skip
                    bundle.edge(edge)
                    m += 1
        finally:
            bundle.close()
        redaction = ""
        if prov.parameters.get("redacted"):
            redaction = (
                f"Redacted: accounts with fewer than {prov.parameters['redaction_min_followers']} "
                "followers have their ids, handles and names replaced by salted HMAC-SHA256 hashes "
                "(base64url); their profile_url is left out.\n"
            )
        readme = README.format(
            selection=prov.selection,
            target=prov.target,
            exported_at=prov.exported_at.isoformat(),
            redaction=redaction,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("README.txt", readme)
            zf.writestr("provenance.json", json.dumps(prov.as_dict(), indent=2, default=str))
            zf.write(folder / "nodes.csv", "nodes.csv")
            zf.write(folder / "edges.csv", "edges.csv")
            for kind in BUNDLE_COLUMNS:
                if kind in bundle.rows:
                    zf.write(folder / "bundle" / f"{kind}.csv", f"bundle/{kind}.csv")
    return n, m
