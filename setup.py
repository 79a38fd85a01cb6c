"""Setuptools hook: a built wheel carries the study bank and the icons.

`content/` and `resources/` sit at the top of the checkout, where app/locations.py finds them
when Lattice runs from source or from an editable install. A wheel copies them into the
package as `app/bundled/`, where app/locations.py looks first, so any standard install
(`pip install .`, a wheel, `pipx install .`) works from any folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("content", "resources")


class BuildWithBundledFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        for name in BUNDLED:
            target = Path(self.build_lib, "app", "bundled", name)
            shutil.rmtree(target, ignore_errors=True)
            # The README's screenshots are for readers of the repository, not the app.
            ignore = shutil.ignore_patterns("__pycache__", "screenshots")
            shutil.copytree(ROOT / name, target, ignore=ignore)


setup(cmdclass={"build_py": BuildWithBundledFiles})
