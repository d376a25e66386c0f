#!/usr/bin/env bash
# Makes the weights available and verified, then runs the worker (which serves /healthz).
#  - /weights already populated (an Azure Files mount, or a warm replica): every file is checked against the
#    manifest (sha256sum format: "<sha256>  <relative path>").
#  - otherwise each file listed in the manifest blob is downloaded from the weights container with the
#    replica's managed identity (Container Apps identity endpoint), then checked the same way.
# A checksum mismatch stops the container: a worker must never render with damaged weights.
set -euo pipefail

weights="${EchoMimic__Weights__Directory:-/weights}"
manifest_blob="${EchoMimic__Weights__ManifestBlob:-weights/manifest.sha256}"
account="${EchoMimic__Storage__AccountName:?EchoMimic__Storage__AccountName is not set}"
blob_base="https://${account}.blob.core.windows.net"

token() {
  # Container Apps managed identity endpoint; AZURE_CLIENT_ID selects the user-assigned identity.
  curl -fsS -H "X-IDENTITY-HEADER: ${IDENTITY_HEADER}" \
    "${IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=https%3A%2F%2Fstorage.azure.com%2F&client_id=${AZURE_CLIENT_ID}" \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

fetch() { # fetch <container/blob> <file>
  mkdir -p "$(dirname "$2")"
  curl -fsS --retry 5 -H "Authorization: Bearer ${bearer}" -H "x-ms-version: 2023-11-03" \
    "${blob_base}/$1" -o "$2.partial"
  mv "$2.partial" "$2"
}

mkdir -p "$weights"
if [ ! -f "$weights/manifest.sha256" ]; then
  bearer="$(token)"
  fetch "$manifest_blob" "$weights/manifest.sha256"
fi
cd "$weights"
if ! sha256sum --quiet -c manifest.sha256 2>/dev/null; then
  bearer="${bearer:-$(token)}"
  container="${manifest_blob%%/*}"
  while read -r sum path; do
    if [ ! -f "$path" ] || [ "$(sha256sum "$path" | cut -d' ' -f1)" != "$sum" ]; then
      echo "weights: downloading $path"
      fetch "$container/$path" "$weights/$path"
    fi
  done < manifest.sha256
  sha256sum --quiet -c manifest.sha256 || { echo "weights: checksum mismatch, refusing to start" >&2; exit 3; }
fi
echo "weights: $(wc -l < manifest.sha256) files verified"
cd /app

# /healthz on 8080 is served by the worker process itself (Hosting/HealthEndpoint.cs): 503 while it loads the
# models, 200 once its loops run.
exec "$@"
