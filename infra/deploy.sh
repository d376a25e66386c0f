#!/usr/bin/env bash
# One command from an Azure subscription to a working EchoMimic Cloud deployment (docs/azure.md walks through it):
#   infra/deploy.sh --resource-group echomimic --location swedencentral --weights ./pretrained_weights
# Steps: resource group → Bicep (pass 1) → webhook secret → worker image (az acr build) → Functions package
# (dotnet publish; no engine, no ffmpeg: Prepare and Stitch run on the GPU workers) → Bicep (pass 2: worker image,
# Event Grid subscriptions) → weights upload
# with a sha256 manifest → smoke test (upload a job, wait for the MP4 in renders/).
# Requires: az (logged in: az login), dotnet 10 SDK, curl, python3, sha256sum. Idempotent: re-running updates in place.
set -euo pipefail

rg="" location="" weights="" gpu="T4" max_workers=4 base="echomimic" smoke=1 tag="$(date -u +%Y%m%d%H%M%S)"
libtorch_sha256="${LIBTORCH_SHA256:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --resource-group) rg="$2"; shift 2 ;;
    --location) location="$2"; shift 2 ;;
    --weights) weights="$2"; shift 2 ;;
    --gpu) gpu="$2"; shift 2 ;;
    --max-workers) max_workers="$2"; shift 2 ;;
    --base-name) base="$2"; shift 2 ;;
    --no-smoke-test) smoke=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$rg" ] && [ -n "$location" ] && [ -n "$weights" ] || {
  echo "usage: infra/deploy.sh --resource-group RG --location REGION --weights DIR [--gpu T4|A100] [--max-workers N]" >&2; exit 2; }
[ -d "$weights" ] || { echo "--weights: $weights is not a folder" >&2; exit 2; }
[ -n "$libtorch_sha256" ] || { echo "set LIBTORCH_SHA256 to the sha256 of the CUDA libtorch zip (see docs/azure.md)" >&2; exit 2; }
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "1/8 resource group $rg in $location"
az group create -n "$rg" -l "$location" -o none
me="$(az ad signed-in-user show --query id -o tsv 2>/dev/null || true)"
me_type=User
if [ -z "$me" ]; then me="$(az account show --query user.name -o tsv)"; me_type=ServicePrincipal;
  me="$(az ad sp show --id "$me" --query id -o tsv)"; fi

deploy() { # deploy <extra params...>
  az deployment group create -g "$rg" -f bicep/main.bicep -n "echomimic-$tag-$1" -o none \
    -p location="$location" baseName="$base" gpuProfile="$gpu" maxWorkers="$max_workers" \
       deployerPrincipalId="$me" deployerPrincipalType="$me_type" "${@:2}"
  az deployment group show -g "$rg" -n "echomimic-$tag-$1" --query properties.outputs -o json > "/tmp/echomimic-$1.json"
}
out() { python3 -c "import json,sys; print(json.load(open('/tmp/echomimic-$1.json'))['$2']['value'])"; }

step "2/8 infrastructure (Bicep pass 1: placeholder worker image, no Event Grid subscription yet)"
deploy pass1
storage="$(out pass1 storageAccountName)"; app="$(out pass1 functionAppName)"; registry="$(out pass1 registryName)"
vault="$(out pass1 keyVaultName)"; worker_app="$(out pass1 workerAppName)"; host="$(out pass1 functionAppHostName)"

step "3/8 webhook signing secret in Key Vault (generated once, never printed)"
if ! az keyvault secret show --vault-name "$vault" -n webhook-signing-secret -o none 2>/dev/null; then
  az keyvault secret set --vault-name "$vault" -n webhook-signing-secret -o none \
    --value "whsec_$(head -c 32 /dev/urandom | base64)"
fi

step "4/8 GPU worker image (az acr build: the build runs in Azure, not here)"
az acr build -r "$registry" -t "echomimic-worker:$tag" -f gpu-worker/Dockerfile \
  --build-arg LIBTORCH_SHA256="$libtorch_sha256" .

step "5/8 Functions package (dotnet publish) and deployment"
pkg="$(mktemp -d)"
dotnet publish functions/EchoMimic.Functions -c Release -o "$pkg/app"
(cd "$pkg/app" && zip -qr "$pkg/app.zip" .)
az functionapp deployment source config-zip -g "$rg" -n "$app" --src "$pkg/app.zip" -o none

step "6/8 Bicep pass 2: worker image, Event Grid subscriptions (the blobs-extension key exists now)"
deploy pass2 workerImage="$(out pass1 registryLoginServer)/echomimic-worker:$tag" deployEventSubscription=true

step "7/8 weights upload with sha256 manifest"
(cd "$weights" && find . -type f ! -name manifest.sha256 | sed 's|^\./||' | sort | xargs -d '\n' sha256sum > "$pkg/manifest.sha256")
az storage blob upload-batch --auth-mode login --account-name "$storage" -d weights -s "$weights" --overwrite false -o none
az storage blob upload --auth-mode login --account-name "$storage" -c weights -n manifest.sha256 \
  -f "$pkg/manifest.sha256" --overwrite -o none

if [ "$smoke" = 1 ]; then
  step "8/8 smoke test: a 2-second job through the uploads container"
  job="smoke-$tag"
  # A 2 s 220 Hz tone and a gray 768x768 PNG, written with the Python standard library (no ffmpeg needed here).
  python3 - "$pkg" <<'PY'
import math, struct, sys, wave, zlib
out = sys.argv[1]
with wave.open(f"{out}/speech.wav", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 220 * i / 16000))) for i in range(32000)))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
rows = b"".join(b"\x00" + b"\x80" * (768 * 3) for _ in range(768))
with open(f"{out}/ref.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 768, 768, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
PY
  for f in ref.png speech.wav; do
    az storage blob upload --auth-mode login --account-name "$storage" -c uploads -n "smoke/$job/$f" -f "$pkg/$f" -o none
  done
  cat > "$pkg/job.json" <<JSON
{ "schemaVersion": 1,
  "inputs": { "reference": "uploads/smoke/$job/ref.png", "audio": "uploads/smoke/$job/speech.wav", "pose": { "gesture": "fight" } },
  "settings": { "mode": "accelerated" } }
JSON
  az storage blob upload --auth-mode login --account-name "$storage" -c uploads -n "smoke/$job/job.json" -f "$pkg/job.json" -o none
  key="$(az functionapp keys list -g "$rg" -n "$app" --query functionKeys.default -o tsv)"
  for _ in $(seq 1 90); do
    status="$(curl -fsS "https://$host/jobs/smoke-$job?code=$key" || true)"
    echo "$status" | grep -q '"runtimeStatus":"Completed"' && break
    sleep 20
  done
  echo "$status"
  echo "$status" | grep -q '"status":"succeeded"\|"status":"Succeeded"' || { echo "smoke test did not succeed" >&2; exit 1; }
fi
echo; echo "deployed: https://$host (worker app $worker_app, storage $storage)"
