"""Unicode normalisation of article text.

Every offset the pipeline records points into the normalised text, so the
mapping is done once, here, and everything downstream works on its output.
Hyphen look-alikes, curly quotes and exotic spaces become their ASCII forms
one character for one character; invisible characters are dropped.
"""

from __future__ import annotations

import re
import unicodedata

_ONE_FOR_ONE = {
    # hyphens and minus look-alikes; en and em dashes stay, they punctuate
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2043": "-",
    "\u2212": "-",
    "\ufe63": "-",
    "\uff0d": "-",
    # quotes
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    # spaces
    "\u00a0": " ",
    "\u1680": " ",
    "\u2000": " ",
    "\u2001": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2004": " ",
    "\u2005": " ",
    "\u2006": " ",
    "\u2007": " ",
    "\u2008": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u205f": " ",
    "\u3000": " ",
    "\t": " ",
    "\u2028": "\n",
    "\u2029": "\n",
    "\u0085": "\n",
    "\r": "\n",
}
_DROPPED = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_TABLE = str.maketrans({**_ONE_FOR_ONE, **dict.fromkeys(_DROPPED)})
# Control characters other than the newline carry no text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CRLF = re.compile(r"\r\n")


def normalise(text: str) -> str:
    """Text with look-alike characters mapped to ASCII and compatibility forms folded."""
    text = _CRLF.sub("\n", text)
    text = text.translate(_TABLE)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if not text.isascii():
        # NFKC folds full-width digits and letters (common in Chinese sources)
        # and ligatures; the translate table already handled what NFKC would
        # turn into something unhelpful.
        text = unicodedata.normalize("NFKC", text)
    return text


_FOLD_TABLE = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2015": "-"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Loose form for comparing quotes with sentences: ASCII dashes and quotes, one space."""
    return _SPACES.sub(" ", normalise(text).translate(_FOLD_TABLE)).strip()
