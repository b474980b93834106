"""Every (method, path) the app serves, walking included routers."""

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [
        (method, route.path or "")
        for route in iter_route_contexts(app.routes)
        for method in sorted((route.methods or set()) - {"HEAD"})
    ]
