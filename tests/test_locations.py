"""Bundled files are found from the code's location, from source and in a frozen build."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import platformdirs
import pytest

from app import APP_NAME, ORG_NAME, locations
from app.locations import bundle_root, content_dir, data_dir, resource_path
from app.services.context import open_context
from tests.conftest import FIXTURE_CONTENT, PROJECT_ROOT


def test_from_source_the_checkout_holds_content_and_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    assert bundle_root() == PROJECT_ROOT
    assert content_dir() == PROJECT_ROOT / "content"
    assert (content_dir() / "areas.yaml").is_file()
    assert resource_path("icons", "lattice.png").is_file()


def test_an_installed_wheel_reads_from_the_package_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wheel build maps content/ and resources/ into the package as app/bundled/."""
    package = tmp_path / "site-packages" / "app"
    shutil.copytree(FIXTURE_CONTENT, package / "bundled" / "content")
    monkeypatch.setattr(locations, "__file__", str(package / "locations.py"))
    monkeypatch.chdir(tmp_path)
    assert bundle_root() == package / "bundled"
    assert content_dir() == package / "bundled" / "content"
    assert (
        resource_path("icons", "lattice.png")
        == package / "bundled" / "resources" / "icons" / "lattice.png"
    )


def test_a_frozen_build_reads_from_its_extraction_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "dist" / "lattice" / "_internal"
    shutil.copytree(FIXTURE_CONTENT, bundle / "content")
    (bundle / "resources" / "icons").mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.chdir(tmp_path)

    assert bundle_root() == bundle
    assert content_dir() == bundle / "content"
    assert resource_path("icons", "lattice.png") == bundle / "resources" / "icons" / "lattice.png"
    ctx = open_context(tmp_path / "data")
    try:
        assert ctx.bank.cards, "the simulated bundle's content should load"
        assert not ctx.bank.problems
    finally:
        ctx.store.engine.dispose()


def test_meipass_alone_does_not_make_a_frozen_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", "/nowhere", raising=False)
    assert bundle_root() == PROJECT_ROOT


def test_default_data_dir_is_the_platforms_folder_for_lattice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LATTICE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # Linux
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # macOS
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))  # Windows
    expected = Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME)).resolve()
    assert str(expected).startswith(str(tmp_path))
    assert data_dir() == expected
    assert expected.is_dir()
    assert "Lattice" in expected.parts
