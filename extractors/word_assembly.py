"""Words and cell texts assembled from characters exactly as pdfplumber 0.11 assembles them, faster.

`extract_words(chars, ...)` returns what `pdfplumber.utils.extract_words(chars, ...)` (and so
`Page.extract_words`) returns, and `extract_text(chars)` what `pdfplumber.utils.extract_text(chars)`
returns, for pdfplumber's default tolerances (x 3, y 3), line and character directions ("ttb" /
"ltr", turned for rotated characters), no punctuation splitting, ligatures expanded and no text
flow. pdfplumber builds a word extractor, clusters through generic helpers and merges bounding
boxes through `zip` for every call; here each run of characters is clustered and sorted once with
plain loops, which matters for the thousands of table cells of a pack.

The same steps in the same order: characters are grouped into runs sharing `upright` (and the
extra attributes); each run is clustered into lines by `top` (by `x0` for rotated characters)
with pdfplumber's chained tolerance, ordered by line then position (stable sorts, so ties keep
the characters' order), and cut into words where a character starts left of the last one, further
than the tolerance past its end, or off its line. Calls with other options go to pdfplumber.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter

from pdfplumber.utils import extract_text as plumber_extract_text
from pdfplumber.utils import extract_words as plumber_extract_words
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE, LIGATURES

X_TOLERANCE = DEFAULT_X_TOLERANCE
Y_TOLERANCE = DEFAULT_Y_TOLERANCE


def _cluster_of(values: list, tolerance: float) -> dict:
    """pdfplumber's `make_cluster_dict`: each distinct value to the index of its cluster, clusters
    chained over the sorted values (a value within `tolerance` of the previous one joins it)."""
    ordered = sorted(set(values))
    if tolerance == 0 or len(ordered) < 2:
        return {v: i for i, v in enumerate(ordered)}
    index = 0
    last = ordered[0]
    out = {last: 0}
    for v in ordered[1:]:
        if not v <= last + tolerance:
            index += 1
        out[v] = index
        last = v
    return out


_LIGATURE_CHARS = frozenset(LIGATURES)


def _run_words(chars: list[dict], keep_blank_chars: bool, extra_attrs: Sequence[str], out: list[dict]) -> None:
    """Append the words of one run of characters sharing `upright` (and the extra attributes)."""
    x0s = [c["x0"] for c in chars]
    x1s = [c["x1"] for c in chars]
    tops = [c["top"] for c in chars]
    bottoms = [c["bottom"] for c in chars]
    texts = [c["text"] for c in chars]
    if chars[0]["upright"]:
        # Lines clustered by top; characters read left to right along them.
        lead, end, across = x0s, x1s, tops
        intra, inter, line_tolerance = X_TOLERANCE, Y_TOLERANCE, Y_TOLERANCE
        direction = "ltr"
        sort_keys = None
    else:
        # Rotated: lines are columns clustered by x0, characters read top to bottom.
        lead, end, across = tops, bottoms, x0s
        intra, inter, line_tolerance = Y_TOLERANCE, X_TOLERANCE, X_TOLERANCE
        direction = "ttb"
        sort_keys = bottoms
    cluster = _cluster_of(across, line_tolerance)
    lines = [cluster.get(v) for v in across]
    # pdfplumber sorts by line (stable), then each line by position (stable): one stable sort on
    # (line, position) gives the same order.
    keys = list(zip(lines, lead)) if sort_keys is None else list(zip(lines, lead, sort_keys))
    order = sorted(range(len(chars)), key=keys.__getitem__)

    def merged(word: list[int]) -> dict:
        first = chars[word[0]]
        if len(word) == 1:
            i = word[0]
            x0, top, x1, bottom = x0s[i], tops[i], x1s[i], bottoms[i]
            text = texts[i]
            text = LIGATURES.get(text, text)
        else:
            x0 = min(map(x0s.__getitem__, word))
            top = min(map(tops.__getitem__, word))
            x1 = max(map(x1s.__getitem__, word))
            bottom = max(map(bottoms.__getitem__, word))
            text = "".join(map(texts.__getitem__, word))
            if not _LIGATURE_CHARS.isdisjoint(text):
                text = "".join([LIGATURES.get(texts[i], texts[i]) for i in word])
        record = {
            "text": text,
            "x0": x0,
            "x1": x1,
            "top": top,
            "doctop": top + (first["doctop"] - first["top"]),
            "bottom": bottom,
            "upright": first["upright"],
            "height": bottom - top,
            "width": x1 - x0,
            "direction": direction,
        }
        for key in extra_attrs:
            record[key] = first[key]
        return record

    word: list[int] = []
    line = None
    for i in order:
        if lines[i] != line:
            if word:
                out.append(merged(word))
                word = []
            line = lines[i]
        text = texts[i]
        if not keep_blank_chars and text.isspace():
            if word:
                out.append(merged(word))
                word = []
        elif text == "":
            # pdfplumber tests `text in ""` for punctuation splitting: an empty text is a word alone.
            if word:
                out.append(merged(word))
            out.append(merged([i]))
            word = []
        elif word:
            p = word[-1]
            if lead[i] < lead[p] or lead[i] > end[p] + intra or abs(across[i] - across[p]) > inter:
                out.append(merged(word))
                word = [i]
            else:
                word.append(i)
        else:
            word = [i]
    if word:
        out.append(merged(word))


def _words(chars: list[dict], keep_blank_chars: bool, extra_attrs: Sequence[str]) -> list[dict]:
    out: list[dict] = []
    for _, run in groupby(chars, itemgetter("upright", *extra_attrs)):
        _run_words(list(run), keep_blank_chars, extra_attrs, out)
    return out


def _plain(kwargs: dict) -> bool:
    """Whether the call uses only the options reproduced here."""
    return set(kwargs) <= {"extra_attrs", "keep_blank_chars"}


def extract_words(chars: list[dict], **kwargs) -> list[dict]:
    """`pdfplumber.utils.extract_words(chars, **kwargs)`, e.g. `Page.extract_words` on `page.chars`.

    Reproduced for `extra_attrs` and `keep_blank_chars`; any other option goes to pdfplumber.
    """
    if not _plain(kwargs):
        return plumber_extract_words(chars, **kwargs)
    extra_attrs = list(kwargs.get("extra_attrs") or ())
    return _words(list(chars), bool(kwargs.get("keep_blank_chars", False)), extra_attrs)


def extract_text(chars: list[dict], **kwargs) -> str:
    """`pdfplumber.utils.extract_text(chars)`: words joined by spaces, lines (words clustered by
    `top`) by newlines. Any option goes to pdfplumber."""
    if kwargs:
        return plumber_extract_text(chars, **kwargs)
    chars = list(chars)
    if not chars:
        return ""
    words = _words(chars, False, ())
    tops = [w["top"] for w in words]
    cluster = _cluster_of(tops, Y_TOLERANCE)
    lines: dict[int, list[str]] = {}
    for word, top in zip(words, tops):
        lines.setdefault(cluster.get(top), []).append(word["text"])
    # Clusters are numbered in order of their sorted values: output lines in that order.
    return "\n".join(" ".join(lines[k]) for k in sorted(lines))
