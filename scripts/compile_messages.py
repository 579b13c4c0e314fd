"""Compile the .po catalogues to .mo with polib, so no system gettext is needed."""

from pathlib import Path

import polib

for po_path in Path("src/tuyengiao/locale").glob("*/LC_MESSAGES/*.po"):
    polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {po_path}")
