"""Finding a Hangul-capable font through fontconfig.

WeasyPrint prints empty boxes for Korean text when no font covers Hangul, and says nothing;
so exams are never rendered without first finding one here.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from examgen.errors import FontError

PREFERRED = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo",
             "Malgun Gothic", "NanumBarunGothic", "UnDotum")
INSTALL_HINT = "install one: apt-get install fonts-nanum (or fonts-noto-cjk)"


def hangul_families(fc_list: str | None = None) -> list[str]:
    """Font families fontconfig says cover Korean, in fontconfig's order."""
    exe = fc_list or shutil.which("fc-list")
    if exe is None:
        raise FontError("fontconfig's fc-list was not found, so no Korean font can be "
                        f"located; install fontconfig and a Korean font ({INSTALL_HINT})")
    try:
        out = subprocess.run([exe, ":lang=ko", "family"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except OSError as e:
        raise FontError(f"running {exe} failed: {e}") from None
    families: list[str] = []
    for line in out.splitlines():
        for name in line.split(","):
            name = name.strip()
            if name and name not in families:
                families.append(name)
    return families


@lru_cache(maxsize=1)
def find_hangul_font() -> str:
    """The family to print Korean with: the first preferred one installed, else any that
    covers Hangul; :class:`FontError` naming the package to install when there is none."""
    families = hangul_families()
    for name in PREFERRED:
        if name in families:
            return name
    ascii_names = [f for f in families if f.isascii()]
    if ascii_names:
        return ascii_names[0]
    raise FontError(f"no font with Korean (Hangul) glyphs was found through fontconfig; "
                    f"{INSTALL_HINT}")


def hangul_font_files(fc_list: str | None = None) -> dict[str, list[str]]:
    """Font files fontconfig says cover Korean, by family."""
    exe = fc_list or shutil.which("fc-list")
    if exe is None:
        raise FontError("fontconfig's fc-list was not found, so no Korean font can be "
                        f"located; install fontconfig and a Korean font ({INSTALL_HINT})")
    try:
        out = subprocess.run([exe, ":lang=ko", "file", "family"], capture_output=True,
                             text=True, timeout=30, check=False).stdout
    except OSError as e:
        raise FontError(f"running {exe} failed: {e}") from None
    files: dict[str, list[str]] = {}
    for line in sorted(out.splitlines()):
        path, _, names = line.partition(": ")
        for name in names.split(","):
            if name.strip():
                files.setdefault(name.strip(), []).append(path.strip())
    return files


@lru_cache(maxsize=1)
def find_hangul_font_files() -> tuple[str, tuple[str, ...]]:
    """(family, its font files) of the Korean font to print with; :class:`FontError` naming
    the package when there is none."""
    files = hangul_font_files()
    for name in [*PREFERRED, *sorted(f for f in files if f.isascii())]:
        if name in files:
            return name, tuple(files[name])
    raise FontError(f"no font with Korean (Hangul) glyphs was found through fontconfig; "
                    f"{INSTALL_HINT}")


def find_hangul_font_dir() -> tuple[str, str]:
    """(family, folder holding its files) of the Korean font to print with, for the Typst
    compiler, which is given that folder only (no system font scan, so output does not depend
    on what else is installed); :class:`FontError` naming the package when there is none."""
    import os

    family, paths = find_hangul_font_files()
    return family, os.path.dirname(paths[0])
