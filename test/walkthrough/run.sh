#!/usr/bin/env bash
# Runs the README's walk-through exactly as written: the three fenced blocks after the
# <!-- walkthrough:server|idp|steps --> markers, on a fresh embedded database in a temporary
# folder and on free ports, then checks the answers that matter. Any HTTP error (curl --fail),
# failing command or unset variable stops it. Cleans up whatever it started.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The fenced sh block that follows the marker, verbatim.
block() {
  awk -v marker="<!-- walkthrough:$1 -->" '
    $0 == marker { found = 1; next }
    found && !inside && /^```sh$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' README.md
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

for tool in curl jq node; do
  command -v "$tool" >/dev/null || { echo "walk-through: $tool is needed (see the README)" >&2; exit 1; }
done
for part in server idp steps; do
  [ -n "$(block "$part")" ] || { echo "walk-through: no block after <!-- walkthrough:$part --> in README.md" >&2; exit 1; }
done

work="$(mktemp -d)"
export EMBEDDED_DB_DIR="$work/pglite" PORT="$(free_port)" IDP_PORT="$(free_port)"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    echo "--- server log (last 40 lines)" >&2; tail -40 "$work/server.log" >&2 || true
    echo "--- test IdP log" >&2; cat "$work/idp.log" >&2 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# Starts a README block in its own process group (set -m), so cleanup stops npm and the node it
# started alike, and waits until the URL answers.
start_block() {
  local name="$1" url="$2"
  set -m
  bash -c "$(block "$name")" >"$work/$name.log" 2>&1 &
  pids+=("$!")
  set +m
  local pid="$!"
  until curl -sf "$url" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "walk-through: the $name block stopped" >&2; exit 1; }
    sleep 0.5
  done
}
start_block server "http://127.0.0.1:$PORT/readyz"
start_block idp "http://127.0.0.1:$IDP_PORT/metadata"

echo "== walk-through: Roster on :$PORT, test IdP on :$IDP_PORT"
steps="$(block steps)"
output="$work/steps.out"
fail() { echo "walk-through: $*" >&2; exit 1; }
if ! bash -euo pipefail -c "
trap 'echo \"walk-through: this step failed: \$BASH_COMMAND\" >&2' ERR
curl() { command curl --fail-with-body \"\$@\"; }
$steps
printf 'CHECK carol=%s org=%s\n' \"\$CAROL\" \"\$ORG\"
" | tee "$output"; then
  fail "a step of the README's walk-through failed (its answer is the last line above)"
fi

expect() { grep -qxF -- "$1" "$output" || fail "expected the line $1"; }
expect '{"email":"ada@acme.com","role":"admin"}'
expect '{"product":"chat","limit":10,"assigned":0,"available":10}'
expect '{"email":"bob@acme.com","status":"pending"}'
expect '{"role":"member","seats":["chat"]}'
expect '{"domain":"acme.com","status":"verified"}'
expect '["chat"]'
expect '{"enabled":true}'                                       # SSO switched on after the connection was saved
read -r carol org < <(sed -n 's/^CHECK carol=\([^ ]*\) org=\(.*\)$/\1 \2/p' "$output") || true
[ -n "${carol:-}" ] && [ -n "${org:-}" ] || fail "the steps set no CAROL or ORG"
expect "{\"memberId\":\"$carol\",\"organizationId\":\"$org\"}"   # Carol, signed in through SSO
for action in invitation.accepted domain.verified scim_token.created sso.connection_saved sso.settings_changed member.account_linked; do
  expect "$action"
done
if grep -q 'roster_link_\|roster_invite_' "$work/server.log"; then fail "the server log holds a sign-in or invitation token"; fi
echo "walk-through: passed"
