#!/usr/bin/env bash
# A local Prefect server with intl-pub's deployments and schedules:
# starts `prefect server start` on 127.0.0.1:4200 (unless one answers there), creates the
# process work pool "intl-pub", runs `prefect deploy --all`, and prints the deployments and
# their schedules as the API returns them. Then start a worker to run them:
#   PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/prefect worker start --pool intl-pub
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
PORT="${PREFECT_PORT:-4200}"
export PREFECT_API_URL="http://127.0.0.1:$PORT/api"
healthy() { python -c "import httpx,sys; sys.exit(httpx.get('$PREFECT_API_URL/health', timeout=2).status_code != 200)" 2>/dev/null; }
if ! healthy; then
  echo "==> starting a Prefect server on 127.0.0.1:$PORT (log: .prefect-server.log)"
  nohup prefect server start --host 127.0.0.1 --port "$PORT" > .prefect-server.log 2>&1 &
  for _ in $(seq 1 90); do healthy && break; sleep 1; done
  healthy || { echo "error: the server did not start; see .prefect-server.log" >&2; exit 1; }
fi
echo "==> work pool intl-pub (process)"
prefect work-pool inspect intl-pub >/dev/null 2>&1 || prefect work-pool create intl-pub --type process >/dev/null
python -m intl_pub_flows.deployments --check prefect.yaml  # what serve-flows serves too
echo "==> prefect deploy --all"
INTL_PUB_ROOT="$PWD" prefect --no-prompt deploy --all >/dev/null
python - <<'PY'
import asyncio
from prefect.client.orchestration import get_client

async def main() -> None:
    async with get_client() as client:
        for deployment in await client.read_deployments():
            schedules = [s.schedule.cron for s in deployment.schedules] or ["(run on demand)"]
            print(f"{deployment.name:26} {', '.join(schedules):14} pool={deployment.work_pool_name}")
asyncio.run(main())
PY
echo "UI: http://127.0.0.1:$PORT — start a worker: prefect worker start --pool intl-pub"
