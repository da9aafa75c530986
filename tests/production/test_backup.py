"""flask backup / flask restore: a backup restored into an empty installation holds every
record, every uploaded file and every custody chain intact (on SQLite, and on PostgreSQL
when TEST_DATABASE_URL is set)."""

import hashlib
import io
import json
import os
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.datastructures import FileStorage

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db
from testbuys import services
from tests.testbuys.helpers import PNG, received


def _counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _empty_database(tmp_path: Path, source_url: str) -> str:
    if source_url.startswith("sqlite"):
        return "sqlite:///" + str(tmp_path / "restored.sqlite3")
    url = make_url(source_url)
    name = f"{url.database}_restored"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_a_backup_restores_into_an_empty_installation_whole(app, people, tmp_path):
    member, partner = people["member"], people["chair"]
    purchase = received(member)
    for n in range(2):
        services.add_evidence(member, purchase, FileStorage(io.BytesIO(PNG + bytes([n])),
                                                            f"photo-{n}.png"), f"label {n}")
    uploads = Path(app.config["UPLOAD_FOLDER"])
    key = Path(app.instance_path) / "signing.key"
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_text("instance key")
    counts = _counts()
    files = _digests(uploads)
    assert counts["test_purchases"] == 1 and len(files) >= 2 and partner

    backup_dir = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", str(backup_dir)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database"]["revision"] and "instance/signing.key" in manifest["files"]
    assert app.test_cli_runner().invoke(args=["backup", str(backup_dir)]).exit_code != 0  # not empty

    url = _empty_database(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"])
    config = TestConfig(str(tmp_path / "restored-instance"), url)
    config.UPLOAD_FOLDER = str(tmp_path / "restored-uploads")
    restored = create_app(config)
    try:
        _check_restored(restored, config, backup_dir, counts, files, purchase.id)
    finally:
        _forget(restored, app)


def _forget(restored, app) -> None:
    """Close the restored installation's connections and give the queue back to `app`."""
    from portal.jobs.queue import queue

    with restored.app_context():
        db.session.remove()
        db.engine.dispose()
    queue.configure(app)


def _check_restored(restored, config, backup_dir, counts, files, purchase_id) -> None:
    with restored.app_context():
        runner = restored.test_cli_runner()
        result = runner.invoke(args=["restore", str(backup_dir)])
        assert result.exit_code == 0, result.output
        assert _counts() == counts
        assert _digests(Path(config.UPLOAD_FOLDER)) == files
        assert (Path(restored.instance_path) / "signing.key").read_text() == "instance key"
        check = runner.invoke(args=["verify-custody"])
        assert check.exit_code == 0 and "0 broken chain(s)" in check.output, check.output
        assert f"test purchase {purchase_id}: ok" in check.output
        # Restoring twice would merge two installations: refused.
        again = runner.invoke(args=["restore", str(backup_dir)])
        assert again.exit_code != 0 and "not empty" in again.output


def test_a_damaged_backup_is_refused(app, people, tmp_path):
    received(people["member"])
    backup_dir = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup_dir)]).exit_code == 0
    database = next(p for p in backup_dir.iterdir() if p.name.startswith("database."))
    with database.open("r+b") as stream:
        stream.seek(os.path.getsize(database) // 2)
        stream.write(b"\x00garbage\x00")
    url = _empty_database(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"])
    restored = create_app(TestConfig(str(tmp_path / "restored-instance"), url))
    try:
        with restored.app_context():
            result = restored.test_cli_runner().invoke(args=["restore", str(backup_dir)])
            assert result.exit_code != 0 and "damaged" in result.output
    finally:
        _forget(restored, app)
