"""Demo accounts for ``hub up --demo`` (never in production): one per main role.

They share :data:`DEMO_PASSWORD`; each gets its own TOTP secret, printed once to the
console when the account is created (add it to an authenticator app, or compute a code
with ``python -c "import pyotp; print(pyotp.TOTP('SECRET').now())"``).
"""

from __future__ import annotations

from collections.abc import Callable

from hub import audit
from hub.auth import passwords, totp
from hub.extensions import db
from hub.models import Organisation, User, UserRole

DEMO_PASSWORD = "Coba-Demo-Hub-2026"
#: demo accounts' e-mail domain (``.invalid`` is reserved: no real address ends so)
DEMO_DOMAIN = "demo.invalid"


def is_demo(user) -> bool:
    """An account :func:`load_demo_users` made (never a real person's)."""
    return bool(user.email) and user.email.endswith("@" + DEMO_DOMAIN)


#: (user name, full name, role, office short name)
DEMO_USERS = [
    ("admin", "Admin Sistem", "system_admin", "Diskominfotik"),
    ("kadis", "Kepala Dinas", "kepala_dinas", "Diskominfotik"),
    ("sekretaris", "Sekretaris Dinas", "sekretaris", "Diskominfotik"),
    ("kabid", "Kepala Bidang IKP", "kepala_bidang", "Diskominfotik"),
    ("subkoor", "Sub Koordinator", "sub_koordinator", "Diskominfotik"),
    ("verifikator", "Verifikator Konten", "verifikator", "Diskominfotik"),
    ("kreator", "Pembuat Konten", "pembuat_konten", "Diskominfotik"),
    ("admin.kanal", "Admin Kanal", "admin_channel", "Diskominfotik"),
    ("teknisi", "Tim Teknis", "teknisi", "Diskominfotik"),
    ("pengawas", "Pejabat Pengawas", "pejabat_pengawas", "Diskominfotik"),
    ("pejabat.admin", "Pejabat Administrator", "pejabat_administrator", "Diskominfotik"),
    ("pemohon.dispar", "Pemohon Dinas Pariwisata", "pemohon", "Dispar"),
    ("pemohon.dinkes", "Pemohon Dinas Kesehatan", "pemohon", "Dinkes"),
]


def demo_users() -> list[tuple[str, str, str, str]]:
    """:data:`DEMO_USERS` and one account per role the installed plugins declare (``admin_x`` -> ``admin.x``)."""
    from hub.plugins import plugins

    declared = [
        (role.code.replace("_", "."), role.label_id, role.code, "Diskominfotik") for role in plugins().roles.values()
    ]
    return DEMO_USERS + declared


def load_demo_users(echo: Callable[[str], None] = print) -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; returns (user name, TOTP secret) of the new ones."""
    created = []
    password_hash = None
    for username, full_name, role, short in demo_users():
        if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
            continue
        org = db.session.scalar(db.select(Organisation).where(Organisation.short_name == short))
        if org is None:
            continue
        password_hash = password_hash or passwords.hash_password(DEMO_PASSWORD)
        user = User(username=username, full_name=full_name, organisation=org, email=f"{username}@{DEMO_DOMAIN}")
        user.roles = [UserRole(role=role)]
        passwords.set_password(user, DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
        secret = totp.new_secret()
        totp.enrol_with_secret(user, secret)
        audit.record(
            "user.created",
            actor=None,
            target_type="user",
            target_id=user.id,
            details={"username": username, "roles": [role], "demo": True},
        )
        created.append((username, secret))
    db.session.commit()
    shown = created or existing_demo_secrets()
    if shown:
        echo(f"Akun demo / demo accounts — kata sandi / password: {DEMO_PASSWORD}")
        echo("Rahasia TOTP (untuk aplikasi autentikator) / TOTP secrets (for an authenticator app):")
        for username, secret in shown:
            echo(f"  {username:<17} {secret}")
        echo(
            "Kode masuk sekarang / a login code now: hub user totp-code kreator  (hanya akun demo / demo accounts only)"
        )
    return created


def existing_demo_secrets() -> list[tuple[str, str]]:
    """(user name, TOTP secret) of the demo accounts already there: a second ``hub up --demo`` shows
    them again, since the first start's console is usually gone."""
    users = db.session.scalars(db.select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id))
    shown = []
    for user in users:
        tf = totp.state(user)
        if tf is not None and tf.enrolled_at is not None:
            shown.append((user.username, totp.secret_of(tf)))
    return shown
