"""Items: one piece of content, created once, sent to several channels (pages, API, service)."""
