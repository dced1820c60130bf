"""Källa over HTTP (FastAPI): the same library classes as the command line and the app, for the intranet,
case-management systems and scripts. Authentication by API tokens (`python -m corpus token add USER`)."""
