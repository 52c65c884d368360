#!/usr/bin/env bash
# Install what the real-WordPress integration test needs (tests/test_website_wordpress_real.py):
# Debian's WordPress 6.1 with PHP's command-line server and the MySQL driver. The test serves its own
# copy on 127.0.0.1 with `php -S` and a database on the MariaDB at 127.0.0.1:3306 (root, no password);
# it is skipped, saying why, when any of that is missing. Never fails CI: prints what it could not do.
set -uo pipefail

if command -v php >/dev/null 2>&1 && [ -f /usr/share/wordpress/wp-settings.php ] \
   && php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' 2>/dev/null; then
  echo "WordPress $(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" /usr/share/wordpress/wp-includes/version.php) and PHP are installed"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "cannot install WordPress (needs root and apt-get): the real-WordPress test will be skipped"
  exit 0
fi
echo "installing Debian's wordpress, php-cli, php-mysql"
if ! apt-get update -qq || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    wordpress php-cli php-mysql >/dev/null; then
  echo "apt-get could not install WordPress: the real-WordPress test will be skipped"
  exit 0
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; then
  echo "note: no MariaDB/MySQL on 127.0.0.1:3306: the real-WordPress test will be skipped"
fi
exit 0
