#!/usr/bin/env bash
# The demo: start the emulator with the demo seed, then validate, plan, apply, and plan again,
# which must find nothing left to do. The emulator is stopped on the way out, also on failure.
set -euo pipefail

BIN=${BIN:-.venv/bin}
SPEC_DIR=${SPEC_DIR:-specs}
STATE=${STATE:-.baton-sf/demo-emulator}
SEED=${SEED:-examples/emulator-seed.yaml}
cli="$BIN/baton-sf"

stop() { "$cli" emulator down --state "$STATE" >/dev/null 2>&1 || true; }
trap stop EXIT
stop

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "baton-sf emulator up --seed $SEED"
"$cli" emulator up --state "$STATE" --seed "$SEED"
eval "$("$cli" emulator env --state "$STATE")"

step "baton-sf validate $SPEC_DIR"
"$cli" validate "$SPEC_DIR"

step "baton-sf plan $SPEC_DIR --env emulator"
"$cli" plan "$SPEC_DIR" --env emulator

step "baton-sf apply $SPEC_DIR --env emulator --auto-approve"
"$cli" apply "$SPEC_DIR" --env emulator --auto-approve

step "baton-sf plan $SPEC_DIR --env emulator --detailed-exitcode"
"$cli" plan "$SPEC_DIR" --env emulator --detailed-exitcode
printf '\nDemo complete: the second plan found nothing to change.\n'
