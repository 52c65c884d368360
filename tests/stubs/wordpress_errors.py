"""WordPress's error answers and slugs, shared by the stub's parts."""

from __future__ import annotations

import re


def sanitize_title(text: str) -> str:
    text = re.sub(r"<[^>]*>", "", text).lower()
    text = re.sub(r"[^a-z0-9_\-\s]", "", text)
    return re.sub(r"[\s\-]+", "-", text).strip("-")


class WPError(Exception):
    def __init__(self, code: str, message: str, status: int, **data):
        self.code, self.message, self.status, self.data = code, message, status, data
        super().__init__(message)

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}

    @classmethod
    def no_route(cls) -> WPError:
        return cls("rest_no_route", "No route was found matching the URL and request method.", 404)


def auth_code(user) -> int:
    """rest_authorization_required_code(): 401 when nobody is logged in, else 403."""
    return 403 if user else 401
