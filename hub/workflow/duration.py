"""Time limits as written in the SOPs (*Mutu Baku: Waktu*): "10 menit", "1 jam", "1 hari"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DURATION = re.compile(r"^\s*(\d+)\s*(m|min|mins|menit|minutes?|h|hours?|jam|d|days?|hari)\s*$", re.I)


@dataclass(frozen=True)
class Duration:
    """A time limit in working time: ``minutes`` of working hours, or whole working ``days``."""

    minutes: int = 0
    days: int = 0
    #: written in hours ("6h"): shown and exported that way
    in_hours: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        if self.days:
            return f"{self.days}d"
        if self.in_hours:
            return f"{self.minutes // 60}h"
        return f"{self.minutes}m"

    def label(self, lang: str = "id") -> str:
        """``"10 menit"`` / ``"10 min"``, ``"6 jam"`` / ``"6 h"``, ``"1 hari kerja"`` / ``"1 working day"``."""
        if self.days:
            return f"{self.days} hari kerja" if lang == "id" else f"{self.days} working day{'s' * (self.days > 1)}"
        if self.in_hours:
            return f"{self.minutes // 60} jam" if lang == "id" else f"{self.minutes // 60} h"
        return f"{self.minutes} menit" if lang == "id" else f"{self.minutes} min"


def parse_duration(text: object) -> Duration:
    """``"10m"``, ``"60 menit"``, ``"1h"``, ``"6 jam"``, ``"1d"``, ``"7 hari"`` -> :class:`Duration`."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"not a duration: {text!r} (write e.g. 10m, 1h, 1d)")
    number, unit = int(match.group(1)), match.group(2).lower()
    if unit[0] == "d" or unit == "hari":
        return Duration(days=number)
    if unit[0] == "h" or unit == "jam":
        return Duration(minutes=number * 60, in_hours=True)
    return Duration(minutes=number)
