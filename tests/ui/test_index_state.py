"""What `tailtalk serve` does with the index it finds: a fresh data folder gets the demo; an index
that vanished, an unfinished ingest, a damaged Chroma folder or a damaged snapshot is a clear
error that says what to run; a missing snapshot of a complete store is rebuilt from the store."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from agent.settings import Settings
from retrieval.factory import IndexState, check_index, snapshot_folder
from tests.conftest import cli, free_port, index_products

CAPTURE = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}


@pytest.fixture
def used(tmp_path, monkeypatch, embedder, demo_products):
    """A data folder in use: 30 products indexed, a session log beside them."""
    data = tmp_path / "data"
    monkeypatch.setenv("TAILTALK_DATA_DIR", str(data))
    index_products(data, embedder, demo_products[:30])
    (data / "sessions.sqlite").write_bytes(b"")
    return data


def serve_error(data) -> str:
    """`tailtalk serve` in its own process (as a user runs it: no Chroma state cached in this
    one) must refuse to start, with one clear line."""
    server = cli(data, "serve", "--no-ui", "--port", str(free_port()), **CAPTURE)
    try:
        out, err = server.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        server.kill()
        raise AssertionError("the server started on a broken index") from None
    assert server.returncode == 2, out + err
    assert "Traceback" not in err, err
    return err


def test_a_fresh_folder_is_fresh_and_a_used_one_is_ready(tmp_path, used):
    assert check_index(Settings(data_dir=tmp_path / "new")) is IndexState.FRESH
    assert check_index(Settings()) is IndexState.READY


def test_a_vanished_index_is_an_error_not_a_silent_demo(used):
    shutil.rmtree(used / "chroma")
    shutil.rmtree(used / "snapshots")
    err = serve_error(used)
    assert "the product index is gone" in err and "tailtalk ingest PATH" in err
    assert not (used / "demo_catalog.jsonl").exists()


def test_a_missing_snapshot_is_rebuilt_from_the_store(used, capsys):
    shutil.rmtree(used / "snapshots")
    assert check_index(Settings()) is IndexState.REBUILT
    assert "building the search snapshot" in capsys.readouterr().out
    snapshot = snapshot_folder(Settings()).open_current()
    assert snapshot is not None and len(snapshot) == 30


def test_an_unfinished_ingest_is_not_served(used, embedder):
    from retrieval.factory import open_store

    open_store(Settings(), embedder).set_ingesting(True)  # as a killed ingest leaves it
    shutil.rmtree(used / "snapshots")
    err = serve_error(used)
    assert "did not finish" in err and "run the same `tailtalk ingest PATH` again" in err


def test_a_damaged_chroma_folder_is_a_clear_error(used):
    shutil.rmtree(used / "snapshots")
    (used / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    err = serve_error(used)
    assert "cannot be read" in err and "tailtalk ingest PATH" in err


def test_a_damaged_snapshot_is_a_clear_error(used):
    folder = snapshot_folder(Settings())
    version = folder.root / str(folder.current_name())
    with (version / "vectors.npy").open("r+b") as handle:
        handle.truncate(1000)
    err = serve_error(used)
    assert "damaged" in err and "tailtalk snapshot" in err


def test_a_snapshot_from_another_format_is_refused(used):
    folder = snapshot_folder(Settings())
    manifest = folder.root / str(folder.current_name()) / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "format": 99}))
    assert "format 99" in serve_error(used)
