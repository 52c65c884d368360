"""What plugins hand the dashboard: panels and channel-health notes (both languages as data)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class Panel:
    """A dashboard panel. ``html`` is already rendered by its owner (escaped where needed)."""

    title_id: str
    title_en: str
    html: str
    order: int = 50

    def title(self, lang: str = "id") -> str:
        return self.title_id if lang == "id" else self.title_en

    @property
    def markup(self) -> Markup:
        return Markup(self.html)  # noqa: S704 - the owner renders and escapes its panel


@dataclass(frozen=True)
class HealthNote:
    """Something wrong with a channel right now (a silent screen, an expiring token)."""

    channel: str
    message_id: str
    message_en: str
    severity: str = "warning"
    url: str | None = None

    def message(self, lang: str = "id") -> str:
        return self.message_id if lang == "id" else self.message_en
