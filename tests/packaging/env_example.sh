#!/usr/bin/env bash
# The example environment file (/etc/authkit/authkit.env) is a valid configuration once its two
# secrets are set, and without them the server refuses to start and names them. The server
# reads it as its .env (the same KEY=VALUE syntax as systemd's EnvironmentFile=).
#   env_example.sh <authkit-server> <authkit.env>
set -euo pipefail
server=$(realpath "$1")
example=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cp "$example" .env
status=0
env -i PATH=/usr/bin:/bin "$server" routes >out.log 2>&1 || status=$?
cat out.log
[ "$status" = 2 ] || { echo "env: without secrets the server exited $status, not 2"; exit 1; }
grep -q ACCESS_TOKEN_SECRET out.log && grep -q REFRESH_TOKEN_SECRET out.log \
  || { echo "env: the error does not name both secrets"; exit 1; }

sed -e 's/^ACCESS_TOKEN_SECRET=$/ACCESS_TOKEN_SECRET=env-example-access-secret-0123456789abcdef/' \
    -e 's/^REFRESH_TOKEN_SECRET=$/REFRESH_TOKEN_SECRET=env-example-refresh-secret-0123456789abcdef/' \
    "$example" >.env
env -i PATH=/usr/bin:/bin "$server" routes >out.log 2>&1 || { cat out.log; echo "env: the filled example is refused"; exit 1; }

# Its NODE_ENV=production refuses metrics without a token, naming the remedy; with one it loads.
cp .env filled.env
sed -e 's/^METRICS_ENABLED=false$/METRICS_ENABLED=true/' filled.env >.env
grep -q '^METRICS_ENABLED=true$' .env || { echo "env: no METRICS_ENABLED=false line to flip"; exit 1; }
status=0
env -i PATH=/usr/bin:/bin "$server" routes >out.log 2>&1 || status=$?
[ "$status" = 2 ] || { cat out.log; echo "env: production metrics without a token exited $status, not 2"; exit 1; }
grep -q 'METRICS_AUTH_TOKEN is required' out.log && grep -q METRICS_ALLOW_UNAUTHENTICATED out.log \
  || { cat out.log; echo "env: the refusal does not name the remedy"; exit 1; }
sed -e 's/^#METRICS_AUTH_TOKEN=$/METRICS_AUTH_TOKEN=env-example-metrics-token-0123/' .env >with-token.env
mv with-token.env .env
env -i PATH=/usr/bin:/bin "$server" routes >out.log 2>&1 || { cat out.log; echo "env: metrics with a token are refused"; exit 1; }
echo "env: the example is valid once both secrets are set; production metrics need a token"
