"""UI strings: the pybabel workflow finds every id the code uses, and catalogues load compiled."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from bot.config import Settings
from bot.i18n import Catalogs, load_translations
from bot.language import SUPPORTED

ROOT = Path(__file__).resolve().parent.parent


def _ids(path: Path) -> set[str]:
    with path.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def test_extracted_ids_match_the_english_catalogue(tmp_path: Path) -> None:
    pot = tmp_path / "madoguchi.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "text:2",
                    "-k", "N_", "--no-default-keywords", "--no-location", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    assert _ids(pot) == _ids(ROOT / "locales" / "en" / "LC_MESSAGES" / "madoguchi.po")


def test_compiled_catalogues_are_used_when_fresh(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(locales), "-D", "madoguchi"],
                   check=True, capture_output=True)
    for lang in SUPPORTED:
        assert (locales / lang.replace("-", "_") / "LC_MESSAGES" / "madoguchi.mo").exists()
    po = locales / "vi" / "LC_MESSAGES" / "madoguchi.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Tiếng Việt", "Tiếng Việt (mới)"), encoding="utf-8")
    # the .po is now newer than its .mo, so the .po wins
    assert load_translations(locales, "vi").gettext("language.name") == "Tiếng Việt (mới)"


def test_every_language_has_its_own_name_and_simplified_is_converted() -> None:
    catalogs = Catalogs(Settings().locales_dir, lambda s: s.replace("體", "体"))
    names = {lang: catalogs.text(lang, "language.name") for lang in SUPPORTED}
    assert len(set(names.values())) == len(SUPPORTED)
    assert names["vi"] == "Tiếng Việt"
    assert catalogs.text("zh-Hans", "language.name") == names["zh-Hant"].replace("體", "体")
