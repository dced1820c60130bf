"""Serve the API with uvicorn: on localhost:8502 unless KALLA_API_HOST / KALLA_API_PORT say otherwise."""
from __future__ import annotations

import os


def main() -> None:
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(), host=os.environ.get("KALLA_API_HOST", "127.0.0.1"),
                port=int(os.environ.get("KALLA_API_PORT", "8502")), log_level="warning")
