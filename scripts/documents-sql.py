#!/usr/bin/env python3
"""Writes SQL that loads JSON documents into the `documents` table, for Spin
(`spin up --sqlite @FILE:copilot`, the copilot's database) and the Spin test host.

Usage: scripts/documents-sql.py OUT.sql DATA_DIR [DATA_DIR ...]
Each DATA_DIR holds usage/, tickets/ and contract/ folders of <customerId>.json.
"""
import pathlib
import sys


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, dirs = pathlib.Path(sys.argv[1]), sys.argv[2:]
    lines = []
    for d in dirs:
        for kind in ("usage", "tickets", "contract"):
            folder = pathlib.Path(d) / kind
            if not folder.is_dir():
                continue
            for f in sorted(folder.glob("*.json")):
                key = f"{kind}/{f.name}"
                lines.append(
                    "INSERT INTO documents (key, body) VALUES ({}, {}) "
                    "ON CONFLICT (key) DO UPDATE SET body = excluded.body;".format(
                        quote(key), quote(f.read_text(encoding="utf-8"))
                    )
                )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} documents to {out}")


if __name__ == "__main__":
    main()
