"""A real WordPress (Debian's ``wordpress`` package, 6.1) on 127.0.0.1 for integration tests.

Needs ``php`` with ``mysqli`` (``php-cli``, ``php-mysql``), ``/usr/share/wordpress`` and
MariaDB/MySQL on 127.0.0.1:3306 with a passwordless ``root`` (``.ci/wordpress.sh``
installs the packages). :func:`start` copies WordPress into a temporary folder with its
own ``wp-config.php`` (``WP_ENVIRONMENT_TYPE=local``, so Application Passwords work over
plain http), installs it into a fresh database, creates an Editor with an Application
Password and the categories the tests use, sets pretty permalinks (``/wp-json/``) and
serves it with PHP's built-in server. :func:`missing` says why it cannot run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

WORDPRESS = Path(os.environ.get("HUB_TEST_WORDPRESS_DIR", "/usr/share/wordpress"))
DB_HOST = "127.0.0.1"

CONFIG = """<?php
define('DB_NAME', '{db}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '{db_host}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_CONTENT_DIR', '{content}');
define('WP_CONTENT_URL', '{url}/wp-content');
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('DISABLE_WP_CRON', true);
foreach (array('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT',
               'LOGGED_IN_SALT', 'NONCE_SALT') as $k) {{ define($k, 'hub-test-{db}-' . $k); }}
$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
"""

INSTALL = """<?php
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = '127.0.0.1';
require __DIR__ . '/wp-load.php';
function wp_new_blog_notification() {}  // no mail from the installer
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('Hub test', 'siteadmin', 'admin@example.test', false, '', wp_generate_password(24));
$uid = wp_create_user('editor', wp_generate_password(24), 'editor@example.test');
(new WP_User($uid))->set_role('editor');
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
flush_rewrite_rules(false);
foreach (array('Berita', 'Daftar Informasi Publik') as $name) { wp_insert_term($name, 'category'); }
list($password) = WP_Application_Passwords::create_new_application_password($uid, array('name' => 'hub'));
echo json_encode(array('user' => 'editor', 'password' => WP_Application_Passwords::chunk_password($password)));
"""

CREATE_DB = """$m = new mysqli('{db_host}', 'root', '');
$m->query('DROP DATABASE IF EXISTS `{db}`');
if (!$m->query('CREATE DATABASE `{db}` CHARACTER SET utf8mb4')) {{ fwrite(STDERR, $m->error); exit(1); }}"""


@dataclass
class RealWordPress:
    url: str
    username: str
    app_password: str
    root: Path
    process: subprocess.Popen
    db: str

    def get(self, path: str, **params) -> requests.Response:
        return requests.get(
            f"{self.url}/wp-json/wp/v2{path}", params=params, auth=(self.username, self.app_password), timeout=30
        )


def missing() -> str | None:
    """Why a real WordPress cannot run here (None when it can)."""
    if shutil.which("php") is None:
        return "php is not installed (run .ci/wordpress.sh as root: Debian's wordpress, php-cli, php-mysql)"
    if not (WORDPRESS / "wp-settings.php").is_file():
        return f"WordPress is not installed at {WORDPRESS} (run .ci/wordpress.sh as root)"
    probe = subprocess.run(["php", "-r", "exit(extension_loaded('mysqli') ? 0 : 1);"], capture_output=True)
    if probe.returncode != 0:
        return "PHP has no mysqli extension (apt-get install php-mysql)"
    try:
        socket.create_connection((DB_HOST, 3306), timeout=2).close()
    except OSError:
        return "no MariaDB/MySQL server answers on 127.0.0.1:3306"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workdir: Path) -> RealWordPress:
    db = f"hub_wp_{os.getpid()}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    root = workdir / "wordpress"
    content = root / "wp-content"  # inside the document root: uploads are served at their URLs
    shutil.copytree(WORDPRESS, root, symlinks=True)
    (root / ".htaccess").unlink(missing_ok=True)
    (content / "uploads").mkdir(exist_ok=True)
    (root / "wp-config.php").write_text(CONFIG.format(db=db, db_host=DB_HOST, url=url, content=content))
    (root / "hub-install.php").write_text(INSTALL)
    subprocess.run(["php", "-r", CREATE_DB.format(db=db, db_host=DB_HOST)], check=True, capture_output=True)
    out = subprocess.run(["php", "hub-install.php"], cwd=root, check=True, capture_output=True, text=True, timeout=120)
    creds = json.loads(out.stdout.strip().splitlines()[-1])
    log = (workdir / "php-server.log").open("wb")
    process = subprocess.Popen(
        ["php", "-S", f"127.0.0.1:{port}", "-t", str(root)], cwd=root, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/wp-json/", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"WordPress did not start: {(workdir / 'php-server.log').read_text()[-2000:]}")
        time.sleep(0.2)
    return RealWordPress(url, creds["user"], creds["password"], root, process, db)


def stop(site: RealWordPress) -> None:
    site.process.terminate()
    try:
        site.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        site.process.kill()
        site.process.wait()
    subprocess.run(
        ["php", "-r", f"(new mysqli('{DB_HOST}', 'root', ''))->query('DROP DATABASE IF EXISTS `{site.db}`');"]
    )
