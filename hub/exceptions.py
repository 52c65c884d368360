"""One base exception for the hub and the small, specific errors built on it.

Every message says what was wrong and what to do about it. Messages meant for
people carry each language apart (``message_id`` / ``message_en``), so each reader
sees one language only; log lines and the command line show the Indonesian one.
"""

from __future__ import annotations


class HubError(Exception):
    """Base of every error the hub raises on purpose."""


class ConfigError(HubError):
    """A setting is missing, malformed or points at something unusable.

    ``setting`` names the variable (``HUB_DATABASE_URL``…) so start-up can say
    in one line which setting to fix.
    """

    def __init__(self, setting: str, message: str):
        self.setting = setting
        super().__init__(f"{setting}: {message}")


class PluginError(HubError):
    """A plugin could not be loaded or broke the hook contract."""


class RedisUnavailable(HubError):
    """No Redis server is configured or reachable."""


class TransitionNotAllowed(HubError):
    """A state change was asked for from a state that does not allow it."""


class PublishError(HubError):
    """Base of errors a channel plugin raises from its ``publish`` hook.

    ``message`` is what people read, in Bahasa Indonesia; ``message_en`` the same in
    English (shown to English readers; without it they see ``message``).
    """

    def __init__(self, message: str, *, message_en: str | None = None, details: dict | None = None):
        self.details = details or {}
        self.message_en = message_en
        super().__init__(message)


class TransientPublishError(PublishError):
    """The channel failed in a way worth retrying (timeout, 5xx, 429).

    ``retry_after`` is the number of seconds the channel asked us to wait, if it said.
    """

    def __init__(
        self,
        message: str,
        *,
        message_en: str | None = None,
        retry_after: float | None = None,
        details: dict | None = None,
    ):
        self.retry_after = retry_after
        super().__init__(message, message_en=message_en, details=details)


class PermanentPublishError(PublishError):
    """The channel refused for good (bad credentials, rejected media, duplicate).

    The message is the channel's own words plus what the admin should do.
    """


class PublishOutcomeUnknown(PublishError):
    """The channel may or may not have the post, and the plugin cannot tell.

    The publication is marked for a person instead of being retried blindly.
    """
