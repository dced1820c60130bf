"""`python -m api` (or `make api`, `kalla-api`): serve the HTTP API with uvicorn (KALLA_API_HOST, KALLA_API_PORT)."""
from api.server import main

main()
