"""Packaging and schema stay true: every package is listed, migrations match the models."""

from __future__ import annotations

import configparser
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hub.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_setup_cfg():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    listed = set(cfg["options"]["packages"].split())
    dirs = {"hub": ROOT / "hub"} | {f"hub_{p.name}": p for p in (ROOT / "plugins").iterdir() if p.is_dir()}
    found = set()
    for top, folder in dirs.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder)
            found.add(".".join([top, *rel.parts]) if rel.parts else top)
    missing = found - listed
    assert not missing, f"add these to [options] packages in setup.cfg: {sorted(missing)}"


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"
