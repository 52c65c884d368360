"""Key rotation: a new HUB_ENCRYPTION_KEY with the old one in HUB_ENCRYPTION_OLD_KEYS, then
``hub keys reencrypt``; and pinning the derived key before HUB_SECRET_KEY changes."""

from __future__ import annotations

from click.testing import CliRunner
from cryptography.fernet import Fernet

from hub.extensions import db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def hub_cli(app, *args):
    from hub.cli import build_cli

    with app.app_context():
        return CliRunner().invoke(build_cli(app), list(args), catch_exceptions=False)


def _readable(app) -> tuple[dict, str]:
    """The channel account's credentials and the user's TOTP secret, as this app reads them."""
    from hub.auth.models import TwoFactor
    from hub.auth.totp import secret_of
    from hub.crypto import decrypt_json
    from hub.models import ChannelAccount

    with app.app_context():
        account = db.session.execute(db.select(ChannelAccount)).scalar_one()
        tf = db.session.execute(db.select(TwoFactor)).scalar_one()
        return decrypt_json(account.secret), secret_of(tf)


def test_rotating_the_encryption_key_keeps_credentials_and_totp(make_app):
    import pytest

    from hub.crypto import encrypt_json
    from hub.exceptions import ConfigError
    from hub.models import ChannelAccount
    from hub.testing.people import make_user

    first = make_app(ENCRYPTION_KEY=OLD)
    with first.app_context():
        make_user("operator1", roles=("admin_social",))  # enrolled in TOTP: an encrypted secret
        db.session.add(ChannelAccount(channel="stub", name="Akun", secret=encrypt_json({"token": "t-123"})))
        db.session.commit()
    before = _readable(first)
    assert before[0] == {"token": "t-123"}

    rotating = make_app(ENCRYPTION_KEY=NEW, ENCRYPTION_OLD_KEYS=[OLD])
    assert _readable(rotating) == before  # old values still read during the rotation
    out = hub_cli(rotating, "keys", "reencrypt")
    assert out.exit_code == 0, out.output
    assert "channel_account      1 re-encrypted" in out.output and "auth_two_factor      1" in out.output

    rotated = make_app(ENCRYPTION_KEY=NEW)  # the old key gone
    assert _readable(rotated) == before
    with pytest.raises(ConfigError):
        _readable(make_app(ENCRYPTION_KEY=OLD))
    assert hub_cli(rotated, "audit", "verify").exit_code == 0


def test_the_derived_key_can_be_pinned_before_the_secret_key_changes(make_app):
    from hub.crypto import derived_key, encrypt_json
    from hub.models import ChannelAccount

    app = make_app(SECRET_KEY="the-old-secret-key")  # no HUB_ENCRYPTION_KEY: derived from it
    with app.app_context():
        db.session.add(ChannelAccount(channel="stub", name="Akun", secret=encrypt_json({"token": "t-9"})))
        db.session.commit()
    printed = hub_cli(app, "keys", "encryption-key").output.strip()
    assert printed == derived_key("the-old-secret-key").decode()

    pinned = make_app(SECRET_KEY="a-new-secret-key", ENCRYPTION_KEY=printed)
    with pinned.app_context():
        from hub.crypto import decrypt_json

        account = db.session.execute(db.select(ChannelAccount)).scalar_one()
        assert decrypt_json(account.secret) == {"token": "t-9"}
    new_key = hub_cli(pinned, "keys", "new").output.strip()
    assert Fernet(new_key.encode())
