"""The video enumerations: categories, licences, languages, privacies.

PeerTube answers each with an object mapping id to label (its OpenAPI file says array).
"""

from __future__ import annotations

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.domain import reference_data

video_reference_api = ApiBlueprint(__name__)


@video_reference_api.route("/api/v1/videos/categories", methods=["GET"])
def get_categories() -> dict[str, str]:
    return reference_data.video_categories()


@video_reference_api.route("/api/v1/videos/licences", methods=["GET"])
def get_licences() -> dict[str, str]:
    return reference_data.video_licences()


@video_reference_api.route("/api/v1/videos/languages", methods=["GET"])
def get_languages() -> dict[str, str]:
    return reference_data.video_languages()


@video_reference_api.route("/api/v1/videos/privacies", methods=["GET"])
def get_privacies() -> dict[str, str]:
    return reference_data.video_privacies()
