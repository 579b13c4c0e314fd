"""The Vietnamese catalogue is complete, keeps every placeholder, and its .mo matches the .po."""

import gettext
import re
import shutil
from contextlib import chdir
from pathlib import Path

import polib
import pytest

import tuyengiao

LOCALE = Path(tuyengiao.__file__).parent / "locale" / "vi" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(LOCALE / "django.po"))


def test_every_string_is_translated(catalogue):
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_translations_keep_their_placeholders(catalogue):
    for entry in catalogue:
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(
            PLACEHOLDER.findall(translated)
        ), entry.msgid


def test_compiled_catalogue_matches_the_source(catalogue):
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue:
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_every_source_string_is_in_the_catalogue(tmp_path):
    """Extract the strings from the code and templates as `make messages` does (Django's
    makemessages, GNU gettext) into a copy: nothing may be missing from the shipped .po."""
    from django.core.management import call_command

    package = Path(tuyengiao.__file__).parent
    copy = tmp_path / "tuyengiao"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    with chdir(copy):
        call_command("makemessages", locale=["vi"], no_location=True, verbosity=0)
    extracted = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    missing = [
        e.msgid
        for e in extracted
        if not e.obsolete and (not e.msgstr and not any(e.msgstr_plural.values()) or e.fuzzy)
    ]
    assert missing == [], "run `make messages` and translate these"
