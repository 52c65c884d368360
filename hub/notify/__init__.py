"""Notifications: in-app (the "my notifications" page and API) and on other media (e-mail, and the
notifiers plugins bring through ``register_notifiers``), each person choosing which media for which kinds.

:func:`hub.notify.service.notify` adds notifications and plans their deliveries in the caller's
transaction; :mod:`hub.notify.deliveries` hands them to the queue after the commit, with quiet
hours, digests, retries and refusals (``docs/notifications.md``).
"""
