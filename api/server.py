"""Serve the API with uvicorn: on localhost:8502 unless KALLA_API_HOST / KALLA_API_PORT say otherwise; an
upload (POST /documents) may be KALLA_API_MAX_UPLOAD_MB megabytes (200), any other request body 2 MB."""
from __future__ import annotations

import os


def main() -> None:
    import uvicorn

    from api.app import create_app
    from api.guard import MAX_UPLOAD_BYTES
    from settings import settings_or_exit

    settings = settings_or_exit()

    max_upload = int(float(os.environ.get("KALLA_API_MAX_UPLOAD_MB", MAX_UPLOAD_BYTES / 2**20)) * 2**20)
    uvicorn.run(create_app(settings, max_upload=max_upload), host=os.environ.get("KALLA_API_HOST", "127.0.0.1"),
                port=int(os.environ.get("KALLA_API_PORT", "8502")), log_level="warning")
