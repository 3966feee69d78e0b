#!/usr/bin/env bash
# scripts/install-browser.sh - what the browser tests (server: ChatBrowserTest) drive: Debian's
# `chromium`, `node` with `npm`, `nc` (netcat-openbsd: a real line-chat client), and playwright-core
# from npm in server/src/test/browser/node_modules.
#
# Never downloads a browser build: playwright-core is told to use /usr/bin/chromium (executablePath);
# `npx playwright install` is not used. Idempotent: the apt step runs only when a command is
# missing, `npm ci` only when node_modules does not match package-lock.json. Exit status 0 means
# everything is usable; anything else comes with the reason on stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/../server/src/test/browser"

have() { command -v "$1" >/dev/null 2>&1; }
chromium_bin() { for c in chromium chromium-browser; do if have "$c"; then command -v "$c"; return 0; fi; done; return 1; }

# Only what is missing: a machine whose node comes from elsewhere (NodeSource bundles npm, and its
# nodejs package conflicts with Debian's npm) keeps it.
missing=()
chromium_bin >/dev/null || missing+=(chromium)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have nc || missing+=(netcat-openbsd)
if [ "${#missing[@]}" -gt 0 ]; then
    "$here/apt-install.sh" "${missing[@]}"
fi
for tool in node npm nc; do
    have "$tool" || { echo "install-browser: apt-get finished but $tool is still not on the PATH" >&2; exit 5; }
done
chromium_bin >/dev/null || { echo "install-browser: apt-get finished but chromium is still not on the PATH" >&2; exit 5; }

# npm ci wipes and reinstalls node_modules; skip it when the installed tree already matches the lock.
stamp="$project/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || ! cmp -s <(sed -n '/"node_modules\/playwright-core"/,/}/p' "$project/package-lock.json") \
                                  <(sed -n '/"node_modules\/playwright-core"/,/}/p' "$stamp"); then
    (cd "$project" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
node -e "require.resolve('playwright-core', {paths: [process.argv[1]]})" "$project" \
    || { echo "install-browser: playwright-core is not installed in $project" >&2; exit 6; }
echo "install-browser: $(chromium_bin) ($("$(chromium_bin)" --version 2>/dev/null | head -1)), node $(node --version), playwright-core ready"
