"""The SQL statements behind the slow web paths of ``bench.run``, each with its time and plan.

    HUB_BENCH_DATABASE_URL=postgresql://… .venv/bin/python -m bench.explain [--seed 0.1] [--plans] [--only WORD]

Runs the dashboard, the inbox (page and API), the audit page and the item list in this process
(Flask's test client, the bench's people) against the database ``bench.run`` seeded (``--seed``
seeds it first, dropping its ``public`` schema), a few times each, and prints per path the time of
the request (wall clock, and the CPU time of this process: steadier on a busy machine) and every
statement it ran with its time; ``--plans`` adds PostgreSQL's ``EXPLAIN
(ANALYZE, BUFFERS)`` of the statements that took over ``--slow`` ms. SQLite (no URL) needs
``--seed``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event


def _login(app, client, user_id: int) -> None:
    from bench.run import session_cookie
    from hub.extensions import db

    name, value = session_cookie(app, user_id)
    db.session.commit()
    client.set_cookie(name, value)


def _token(user_id: int) -> str:
    from hub.auth.sessions import create_token
    from hub.extensions import db
    from hub.models import User

    token = create_token(db.session.get(User, user_id), "explain", 1)[1]
    db.session.commit()
    return token


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=float, help="seed the data set at this scale first")
    parser.add_argument("--plans", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) the slow statements")
    parser.add_argument("--slow", type=float, default=2.0, help="ms above which a statement is explained")
    parser.add_argument("--runs", type=int, default=5, help="requests per path (the last one is shown)")
    parser.add_argument("--only", action="append", metavar="WORD", help="only the paths whose name has WORD")
    parser.add_argument("--profile", type=int, metavar="N", help="also print the N costliest functions (cProfile)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="hub-explain-"))
    url = os.environ.get("HUB_BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.update(
        HUB_DATABASE_URL=url,
        HUB_MEDIA_DIR=str(folder / "media"),
        HUB_INSTANCE_DIR=str(folder / "instance"),
        HUB_SECRET_KEY="bench-secret-" + "x" * 32,
        HUB_LOG_LEVEL="WARNING",
        HUB_EXTRA_PLUGINS='["bench.noop_channel"]',
    )
    from hub.app import create_app
    from hub.extensions import db
    from hub.models import User

    app = create_app()
    if args.seed:
        from bench.run import fresh_database
        from bench.seed import seed
        from hub.migrate import upgrade

        os.environ.setdefault("HUB_BENCH_DATABASE_URL", url) if url.startswith("postgresql") else None
        if url.startswith("postgresql"):
            fresh_database(folder)
        upgrade(app)
        with app.app_context():
            seed(args.seed)
    with app.app_context():

        def user(name):
            return db.session.scalar(db.select(User.id).where(User.username == name))

        ids = {
            r: user(n)
            for r, n in (
                ("kd", "bb00_kepala_dinas"),
                ("vf", "bb01_verifikator"),
                ("pk", "bb01_pembuat_konten"),
                ("sa", "bb00_system_admin"),
            )
        }
        tokens = {r: _token(i) for r, i in ids.items()}
    clients = {}
    for role, user_id in ids.items():
        clients[role] = app.test_client()
        with app.app_context():
            _login(app, clients[role], user_id)
    paths = [
        ("dashboard (Kepala Dinas)", "kd", "/", False),
        ("inbox page (Verifikator)", "vf", "/inbox", False),
        ("inbox API (Verifikator)", "vf", "/api/v1/inbox", True),
        ("audit page (first page)", "sa", "/admin/audit", False),
        ("item list API, first page", "pk", "/api/v1/items", True),
    ]
    if args.only:
        paths = [p for p in paths if any(w.lower() in p[0].lower() for w in args.only)]
    with app.app_context():
        engine = db.engine
    for name, role, path, api in paths:
        seen: list[tuple[float, str, object]] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["t0"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany, seen=seen):
            seen.append(((time.perf_counter() - conn.info["t0"]) * 1000, statement, parameters))

        headers = {"Authorization": f"Bearer {tokens[role]}"} if api else {}
        times, cpu = [], []
        for _ in range(args.runs):
            seen.clear()
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            t, c = time.perf_counter(), time.process_time()
            response = clients[role].get(path, headers=headers)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
            assert response.status_code == 200, (path, response.status_code)
        sql_ms = sum(s[0] for s in seen)
        print(
            f"\n=== {name} {path}: median {statistics.median(times):.1f} ms (CPU of this process "
            f"{statistics.median(cpu):.1f} ms), {len(seen)} statements, {sql_ms:.1f} ms in SQL (last run)"
        )
        for ms, statement, _params in seen:
            print(f"  {ms:7.2f} ms  {' '.join(statement.split())[:220]}")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(clients[role].get, path, headers=headers)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        if args.plans and url.startswith("postgresql"):
            for ms, statement, params in seen:
                if ms < args.slow:
                    continue
                with engine.connect() as conn:
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).scalars().all()
                print(f"\n  --- {ms:.1f} ms: {' '.join(statement.split())[:1500]}\n  params {str(params)[:500]}")
                print("\n".join("    " + line for line in plan))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
