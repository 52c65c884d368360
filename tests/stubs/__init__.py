"""Local stub servers of outside services, for tests (test code, not packaged)."""
