"""The HTTP service: FastAPI routes over the engine and the store."""

from watchkeeper.service.app import Service, create_app

__all__ = ["Service", "create_app"]
