#!/usr/bin/env bash
# Starts the whole helpdesk on the embedded default: daphne (web + websockets) and the job
# worker, plus the SLA watcher and mail reader when configured. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; }
trap cleanup EXIT INT TERM

$BIN/python manage.py db_worker --queue-name '*' >var/worker.log 2>&1 &
pids+=($!)
$BIN/python manage.py sla_watch >var/sla_watch.log 2>&1 &
pids+=($!)
if [ -n "${MAILIN_MAILBOX:-}" ] || $BIN/python manage.py shell -c \
  "from mailin.models import Mailbox; import sys; sys.exit(0 if Mailbox.objects.filter(active=True).exists() else 1)" >/dev/null 2>&1; then
  $BIN/python manage.py mailin run ${MAILIN_MAILBOX:+--mailbox "$MAILIN_MAILBOX"} >var/mailin.log 2>&1 &
  pids+=($!)
fi
$BIN/python -m daphne -b "$HOST" -p "$PORT" helpdesk.asgi:application >var/web.log 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  if (echo >/dev/tcp/"$HOST"/"$PORT") 2>/dev/null; then break; fi
  sleep 0.2
done
cat <<MSG

  Mesa de ayuda en marcha (Ctrl-C para detener)
    Centro de ayuda:  http://$HOST:$PORT/
    Consola agentes:  http://$HOST:$PORT/agent/
    Supervisión:      http://$HOST:$PORT/supervisor/
    Soluciones (KB):  http://$HOST:$PORT/kb/
    API (OpenAPI):    http://$HOST:$PORT/api/docs/
    Administración:   http://$HOST:$PORT/admin/
  Usuarios demo (contraseña demo1234): agente1 (técnico), agente2 (facturación),
    agente3 (ventas), supervisor1 (supervisor)
  Registros: var/web.log var/worker.log var/sla_watch.log

MSG
wait -n "${pids[@]}"
