"""HTTP plumbing shared by the X and Facebook clients.

Both client libraries hard-code the platforms' hosts (tweepy's ``Client.request``
builds ``https://api.twitter.com`` + route; facebook-sdk prefixes
``FACEBOOK_GRAPH_URL``). Each account has its own API base URL (the real one, a
gateway, or a local stub in tests), so the libraries keep their hosts and a
transport adapter mounted on their ``requests`` session sends every request for
those hosts to the account's base URL instead. The adapter runs *after* the
request is prepared and signed, so OAuth 1.0a signatures still cover the real
URL, exactly as the platform (or a gateway forwarding to it) verifies them.

The module-level ``facebook.FACEBOOK_GRAPH_URL`` is never changed: it is one
global for every thread, and two accounts with different base URLs must not see
each other's.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

#: seconds to connect, seconds to wait for a response (uploads stream their bodies meanwhile)
DEFAULT_TIMEOUT = (10, 120)


class RedirectAdapter(HTTPAdapter):
    """Send requests for the platform's hosts to ``base_url`` (scheme, host and path prefix).

    Never retries on its own (``max_retries=0``): a POST that reached the platform
    must not be sent twice behind the plugin's back.
    """

    def __init__(self, base_url: str, timeout: tuple[float, float] = DEFAULT_TIMEOUT):
        super().__init__(max_retries=0)
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.scheme, self.netloc, self.prefix = parts.scheme, parts.netloc, parts.path
        self.timeout = timeout

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = urlunsplit((self.scheme, self.netloc, self.prefix + parts.path, parts.query, ""))
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def redirected_session(
    session: requests.Session | None, hosts: tuple[str, ...], base_url: str, timeout=DEFAULT_TIMEOUT
) -> requests.Session:
    """``session`` (or a new one) with every ``https://<host>/`` in ``hosts`` sent to ``base_url``."""
    session = session or requests.Session()
    adapter = RedirectAdapter(base_url, timeout=timeout)
    for host in hosts:
        session.mount(f"https://{host}/", adapter)
    return session


class ResponseRecorder:
    """A ``requests`` response hook keeping the last response (status and headers).

    facebook-sdk turns an error body into ``GraphAPIError`` and drops the response;
    the rate-limit headers (``x-app-usage``, ``x-business-use-case-usage``) are read
    from here.
    """

    def __init__(self, session: requests.Session):
        self.last: requests.Response | None = None
        session.hooks.setdefault("response", []).append(self)

    def __call__(self, response, *args, **kwargs):
        self.last = response
        return response
