"""Text from commits (titles, names, paths, repository names) is untrusted: before any
reader sees it, characters that act instead of being read are taken out.

* C0 and C1 control characters (ESC, CSI, BEL, NUL, CR...) and DEL: a terminal
  runs them (``ESC c`` resets it), and XML 1.0 forbids the C0 ones, so an Atom
  feed carrying one is not XML at all. Tab and newline stay.
* Bidirectional overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069):
  U+202E makes ``exe.txt`` read as ``txt.exe``. Right-to-left script itself needs
  none of them and is kept.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` without control and bidi-override characters (the same string when it has none)."""
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text
