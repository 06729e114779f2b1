"""Lambda entry point of the inbox POSTs: the shared `/inbox` and each local account's and
channel's own, which API Gateway routes here rather than to the API function
(infra/rest_api.py).

The routes are chalicelib/api/inbox.py's, in a Chalice app of their own built as app.py builds
the API's (the same proxy-event handler and problem+json middleware), so an inbox answers
exactly as before. This function, not the API, carries the JSON-LD layer that checking a
forwarded activity's LD signature needs: the API function's package and cold start stay
without it.
"""

from __future__ import annotations

from chalice.app import Chalice

from chalicelib import subscribers
from chalicelib.api.entry import make_api_handler, problem_middleware
from chalicelib.api.inbox import inbox_api
from functions.entry import prepare

# The table bound; subscribers as every entry point has them, should a check emit an event.
prepare(subscribers.register)

app = Chalice(app_name="cirrus-inbox-post")
app.register_blueprint(inbox_api)
app.register_middleware(problem_middleware, "http")

handler = make_api_handler(app)
