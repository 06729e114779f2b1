"""The sample plugin of Cirrus's tests: each hook changes something a test can see."""

from __future__ import annotations

from typing import Any

TOLD: list[tuple[str, dict[str, Any]]] = []  # the actions it was told, for the tests


def register(api: Any) -> None:
    api.register_setting("refused-word", label="Refused word", type="input", default="refused", private=False)
    api.register_setting("secret", label="Secret", type="input-password", default="s3cret")
    api.register_setting("enabled", label="Enabled", type="input-checkbox", default=True, private=False)
    api.register_setting(
        "mode",
        label="Mode",
        type="select",
        default="a",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    )

    def refuse_upload(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        word = api.settings_manager.get_setting("refused-word")
        if word and word in params["video_body"]["name"]:
            return {"accepted": False, "errorMessage": f"Titles with '{word}' are refused by the sample plugin"}
        return result

    def add_1440(result: list[int], params: dict[str, Any]) -> list[int]:
        return sorted({*result, 1440})

    def uploaded(params: dict[str, Any]) -> None:
        TOLD.append(("action:api.video.uploaded", params))
        api.storage.store_data("last-upload", params["video"].uuid)

    def refuse_comment(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if "refused" in params["comment_body"]["text"]:
            return {"accepted": False, "errorMessage": "The sample plugin refuses this comment"}
        return result

    def refuse_remote_comment(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        return {"accepted": False} if "refused" in params["comment"]["text"] else result

    def refuse_signup(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if "refused" in str(params["body"].get("username")):
            return {"allowed": False, "errorMessage": "The sample plugin refuses this username"}
        return result

    def hide_from_lists(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        kept = [video for video in result["data"] if "hidden" not in video["name"]]
        return {**result, "data": kept, "total": result["total"] - (len(result["data"]) - len(kept))}

    def annotate(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        return {**result, "pluginNote": f"seen by the sample plugin ({params['video'].uuid})"}

    def refuse_download(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if "nodownload" in params["video"].name:
            return {"allowed": False, "errorMessage": "The sample plugin refuses this download"}
        return result

    def auto_blacklist(result: bool, params: dict[str, Any]) -> bool:
        return result or "blacklist me" in params["video"].name

    router = api.get_router()

    @router.get("/ping")
    def ping(request: Any) -> dict[str, Any]:
        return {"message": "pong", "user": getattr(request.user, "username", None), "query": request.query}

    @router.post("/notes/store")
    def store_note(request: Any) -> tuple[int, dict[str, Any]]:
        api.storage.store_data("note", request.body)
        return 201, {"stored": api.storage.get_data("note")}

    @router.get("/fails")
    def fails(request: Any) -> Any:
        raise RuntimeError("route failure")

    api.register_hook("filter:api.video.upload.accept.result", refuse_upload)
    api.register_hook("filter:api.video-thread.create.accept.result", refuse_comment)
    api.register_hook("filter:api.video-comment-reply.create.accept.result", refuse_comment)
    api.register_hook("filter:activity-pub.remote-video-comment.create.accept.result", refuse_remote_comment)
    api.register_hook("filter:api.user.signup.allowed.result", refuse_signup)
    api.register_hook("filter:api.videos.list.result", hide_from_lists)
    api.register_hook("filter:api.video.get.result", annotate)
    api.register_hook("filter:api.download.video.allowed.result", refuse_download)
    api.register_hook("filter:video.auto-blacklist.result", auto_blacklist)
    api.register_hook("filter:transcoding.auto.resolutions-to-transcode.result", add_1440)
    api.register_hook("action:api.video.uploaded", uploaded)
    _register_imports_lives_search_embeds(api)


def _register_imports_lives_search_embeds(api: Any) -> None:
    def refuse_import(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        body = params["video_import_body"]
        if "refused" in str(body.get("targetUrl") or body.get("magnetUri") or body.get("name")):
            return {"accepted": False, "errorMessage": "The sample plugin refuses this import"}
        return result

    def reject_imported(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if "reject" in params["video"].name:
            return {"accepted": False, "errorMessage": f"Rejected after {params['video_file']['size']} bytes"}
        return result

    def refuse_live(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if "refused" in str(params["live_video_create"].get("name")):
            return {"accepted": False, "errorMessage": "The sample plugin refuses this live"}
        return result

    def live_created(params: dict[str, Any]) -> None:
        TOLD.append(("action:api.live-video.created", params))

    def live_state(params: dict[str, Any]) -> None:
        TOLD.append(("action:live.video.state.updated", params))

    def search_alias(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        return {**result, "search": "shown"} if result["search"] == "alias" else result

    def channel_alias(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        return {**result, "search": "alice"} if result["search"] == "alias" else result

    def search_note(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        return {**result, "data": [{**item, "pluginNote": "searched"} for item in result["data"]]}

    def refuse_embed(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if "blocked.example" in params["request"].headers.get("referer", ""):
            return {"allowed": False, "html": "<p>Not on blocked.example</p><script>alert(1)</script>"}
        return result

    api.register_hook("filter:api.video.pre-import-url.accept.result", refuse_import)
    api.register_hook("filter:api.video.pre-import-torrent.accept.result", refuse_import)
    api.register_hook("filter:api.video.post-import-url.accept.result", reject_imported)
    api.register_hook("filter:api.live-video.create.accept.result", refuse_live)
    api.register_hook("action:api.live-video.created", live_created)
    api.register_hook("action:live.video.state.updated", live_state)
    api.register_hook("filter:api.search.videos.local.list.params", search_alias)
    api.register_hook("filter:api.search.videos.local.list.result", search_note)
    api.register_hook("filter:api.search.video-channels.local.list.params", channel_alias)
    api.register_hook("filter:api.search.video-channels.local.list.result", search_note)
    api.register_hook("filter:html.embed.video.allowed.result", refuse_embed)
    api.register_hook("filter:html.embed.video-playlist.allowed.result", refuse_embed)
