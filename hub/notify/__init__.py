"""Notifications: in-app (the "my notifications" page and API) and by e-mail over SMTP.

:func:`hub.notify.service.notify` adds notifications in the caller's transaction; their
e-mails are handed to a background job only after that transaction commits.
"""
