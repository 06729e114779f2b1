"""Cirrus: the API function (a Chalice app) and its event handlers.

This file only wires things together: blueprints, middleware, and the Lambda entry point
`handler` that API Gateway invokes (see chalicelib/api/entry.py for why it wraps the app).
"""

from __future__ import annotations

from chalice.app import Chalice

from chalicelib.api.config import config_api
from chalicelib.api.entry import make_api_handler, problem_middleware
from chalicelib.api.server import server_api
from chalicelib.api.video_reference import video_reference_api
from chalicelib.config import get_settings
from chalicelib.store import table

table.bind(get_settings())

app = Chalice(app_name="cirrus")
app.register_blueprint(config_api)
app.register_blueprint(server_api)
app.register_blueprint(video_reference_api)
app.register_middleware(problem_middleware, "http")

handler = make_api_handler(app)
