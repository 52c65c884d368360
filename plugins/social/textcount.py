"""Counting characters the way X counts them, and splitting a long text into a thread.

X counts with the twitter-text v3 rules: the text is NFC-normalised, most Latin,
punctuation and common symbols weigh 1 and everything else (CJK, most emoji
sequences…) weighs 2, and every URL counts as 23 whatever its length. The
maintained ``twitter-text-parser`` package implements those rules (a port of the
official twitter-text configuration with its conformance tests); this module wraps it.
"""

from __future__ import annotations

import re
import unicodedata

X_LIMIT = 280
#: a thread's parts end with " (i/n)"; room kept for it
_NUMBER_ROOM = len(" (99/99)")


def x_length(text: str) -> int:
    """The weighted length X gives ``text`` (280 is the most a post may have)."""
    # imported here: twitter_text (and the pkg_resources it loads) costs about 17 MiB in every
    # process that builds the app, and only the posts' length checks use it
    from twitter_text import parse_tweet

    return parse_tweet(text or "").weightedLength


def fits_x(text: str) -> bool:
    return x_length(text) <= X_LIMIT


def split_thread(text: str, limit: int = X_LIMIT) -> list[str]:
    """Split ``text`` into posts of at most ``limit`` weighted characters, numbered " (i/n)".

    Fills each post with as many whole words as fit (room is kept for the number); a
    single word longer than a post (a long URL never is: it counts 23) is cut between
    characters. A text that fits is returned as it is, unnumbered.
    """
    text = unicodedata.normalize("NFC", (text or "").strip())
    if x_length(text) <= limit:
        return [text] if text else []
    room = limit - _NUMBER_ROOM
    parts: list[str] = []
    current = ""
    for piece in _pieces(text):
        candidate = f"{current}{piece}" if current else piece.lstrip()
        if x_length(candidate.rstrip()) <= room:
            current = candidate
            continue
        if current.strip():
            parts.append(current.strip())
        current = piece.lstrip()
        while x_length(current.rstrip()) > room:  # one word longer than a post
            cut = _longest_prefix(current, room)
            parts.append(current[:cut].strip())
            current = current[cut:].lstrip()
    if current.strip():
        parts.append(current.strip())
    total = len(parts)
    return [f"{p} ({i}/{total})" for i, p in enumerate(parts, 1)]


def _pieces(text: str) -> list[str]:
    """Words with the whitespace before them, so joining them gives the text back."""
    return re.findall(r"\s*\S+", text)


def _longest_prefix(text: str, room: int) -> int:
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if x_length(text[:mid]) <= room:
            low = mid
        else:
            high = mid - 1
    return low


_HASHTAG = re.compile(r"(?<![\w&])#\w+")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]+")


def instagram_counts(text: str) -> dict[str, int]:
    """An Instagram caption's length (characters), hashtags and mentions, as Instagram counts them."""
    text = text or ""
    return {
        "length": len(text),
        "hashtags": len(_HASHTAG.findall(text)),
        "mentions": len(_MENTION.findall(text)),
    }
