"""The words of UU 14/2008 the request register uses: decisions, Pasal 17 exceptions, Pasal 35 grounds.

Codes are stored; labels are English msgids translated to Bahasa Indonesia by the plugin's
catalogue (``lazy_gettext``), so each page shows the reader's language only.
"""

from __future__ import annotations

from hub.sdk import lazy_gettext as _l

#: working days the PPID has to answer (Pasal 22 ayat 7) and the one extension (Pasal 22 ayat 8)
ANSWER_DAYS = 10
EXTENSION_MAX_DAYS = 7
#: working days to object after the reason arises (Pasal 36 ayat 1) and for the superior's answer (ayat 2)
OBJECTION_DAYS = 30
OBJECTION_ANSWER_DAYS = 30

RECEIVE_HOW = {
    "view": _l("View or read it"),
    "paper": _l("A copy on paper"),
    "electronic": _l("An electronic copy"),
}
DELIVER_HOW = {
    "collect": _l("Collect it in person"),
    "post": _l("By post"),
    "email": _l("By e-mail"),
}
STATUSES = {
    "received": _l("Received, being processed"),
    "extended": _l("Extended"),
    "answered": _l("Answered"),
}
DECISIONS = {
    "granted": _l("Granted"),
    "partly": _l("Partly granted"),
    "refused": _l("Refused"),
    "not_held": _l("Information not held"),
    "forwarded": _l("Forwarded to another public body"),
}
#: decisions that withhold information: they need a Pasal 17 class and the consequence test
WITHHOLDING = ("refused", "partly")

#: UU 14/2008 Pasal 17: information excluded from disclosure
EXCEPTIONS = {
    "a": _l("Art. 17(a): would obstruct law enforcement"),
    "b": _l("Art. 17(b): would harm intellectual property or fair competition"),
    "c": _l("Art. 17(c): would endanger national defence and security"),
    "d": _l("Art. 17(d): would reveal Indonesia's natural wealth"),
    "e": _l("Art. 17(e): would harm national economic resilience"),
    "f": _l("Art. 17(f): would harm foreign relations"),
    "g": _l("Art. 17(g): would reveal a personal authentic deed or a will"),
    "h": _l("Art. 17(h): would reveal personal secrets"),
    "i": _l("Art. 17(i): memoranda between or within public bodies kept confidential"),
    "j": _l("Art. 17(j): information a law forbids to disclose"),
}

#: UU 14/2008 Pasal 35 ayat (1): grounds for an objection
GROUNDS = {
    "a": _l("The request was refused on an exception of Art. 17"),
    "b": _l("Periodic information (Art. 9) is not made available"),
    "c": _l("The request was not responded to"),
    "d": _l("The request was answered otherwise than asked"),
    "e": _l("The request was not fulfilled"),
    "f": _l("An unreasonable fee was charged"),
    "g": _l("The information was given later than the law allows"),
}
OUTCOMES = {
    "upheld": _l("Objection upheld: the information is to be given"),
    "rejected": _l("Objection rejected: the PPID's answer stands"),
}
OBJECTION_STATUSES = {"registered": _l("Registered, with the PPID's superior"), "decided": _l("Answered")}


def label(table: dict, code: str | None) -> str:
    return str(table.get(code or "", code or ""))
