"""Regional radio: approved items become scripts sent to the station's newsroom API."""

from __future__ import annotations

import requests

from hub.sdk import (
    Channel,
    PermanentPublishError,
    PluginSetting,
    Problem,
    PublishResult,
    TransientPublishError,
    _,
    hookimpl,
    plugin_config,
)

__version__ = "0.1.0"
HUB_SDK_REQUIRES = ">=1.0,<2"  # the hub.sdk versions this plugin was written for

CHANNEL = Channel(
    name="radio",
    label_id="Radio Daerah",
    label_en="Regional radio",
    accepts=("text",),
    text_limit=500,
    # admin_role is left at its default, "admin_channel" (Admin Kanal): the core's channel admin
)


@hookimpl
def register_channels():
    return [CHANNEL]


@hookimpl
def register_settings():
    return [PluginSetting("station_url", "URL API stasiun", "Station API URL")]


@hookimpl
def validate_item(item, channel, phase):
    if channel.name != "radio":
        return []
    if len(item.text_for("radio")) > 500:
        return [
            Problem(
                "radio",
                "variant_text",
                "radio.length",
                "Naskah radio maksimal 500 karakter; persingkat teksnya.",
                "Radio scripts are at most 500 characters; shorten the text.",
            )
        ]
    return []


def send_to_station(url: str, script: str, *, key: str) -> str:
    """POST the script; the station answers ``{"id": …}``. ``key`` makes a retry safe."""
    try:
        response = requests.post(f"{url}/scripts", json={"script": script, "reference": key}, timeout=10)
    except requests.RequestException as exc:
        raise TransientPublishError(str(exc)) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientPublishError(_("The station is busy (HTTP %(status)s).", status=response.status_code))
    if response.status_code >= 400:
        raise PermanentPublishError(_("The station refused the script (HTTP %(status)s).", status=response.status_code))
    return str(response.json()["id"])


@hookimpl
def publish(publication, item, channel):
    if channel.name != "radio":
        return None
    url = plugin_config("radio", "station_url")
    if not url:
        raise PermanentPublishError(_("No station URL is set for the radio channel."))
    remote_id = send_to_station(url, item.text_for("radio"), key=publication.idempotency_key)
    return PublishResult(remote_id=remote_id)
