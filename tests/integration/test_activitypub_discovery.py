"""Discovery and actors as remote servers see them: WebFinger, host-meta, NodeInfo, and the
Person, Group and Application documents with their followers and following collections."""

from __future__ import annotations

from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.members import Member

AP = {"Accept": "application/activity+json"}
PUBLIC_KEY_PREFIX = "-----BEGIN PUBLIC KEY-----"


def test_webfinger_finds_accounts_channels_and_the_instance_actor(api: ApiClient, people: dict[str, Member]) -> None:
    settings = get_settings()
    host, base = settings.instance_host, settings.instance_url
    alice = people["alice"]
    for name, folder in (("alice", "accounts"), (alice.channel_name, "video-channels"), ("peertube", "accounts")):
        answer = api.get(f"/.well-known/webfinger?resource=acct:{name}@{host}")
        assert answer.status == 200, answer.body
        assert answer.content_type.startswith("application/json")
        assert answer.headers["access-control-allow-origin"] == "*"
        document = answer.json()
        assert document["subject"] == f"acct:{name}@{host}"
        assert document["aliases"] == [f"{base}/{folder}/{name}"]
        assert document["links"][0] == {
            "rel": "self",
            "type": "application/activity+json",
            "href": f"{base}/{folder}/{name}",
        }


def test_webfinger_refuses_what_peertube_refuses(api: ApiClient, people: dict[str, Member]) -> None:
    host = get_settings().instance_host
    for resource in ("", "alice", f"https://{host}/accounts/alice", "acct:alice@elsewhere.example", "acct:a@b@c"):
        answer = api.get(f"/.well-known/webfinger?resource={resource}")
        assert answer.status == 400, resource
        problem = answer.json()
        assert problem["invalid-params"]["resource"]["msg"] == "Invalid value"
        assert problem["invalid-params"]["resource"]["location"] == "query"
    missing = api.get(f"/.well-known/webfinger?resource=acct:nobody@{host}")
    assert missing.status == 404 and missing.json()["detail"] == "Actor not found"


def test_host_meta_and_nodeinfo(api: ApiClient, people: dict[str, Member]) -> None:
    base = get_settings().instance_url
    meta = api.get("/.well-known/host-meta")
    assert meta.status == 200 and meta.content_type.startswith("application/xml")
    assert f'template="{base}/.well-known/webfinger?resource={{uri}}"' in meta.body.decode()

    links = api.get("/.well-known/nodeinfo").json()["links"]
    assert {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": f"{base}/nodeinfo/2.0.json"} in links
    assert {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": f"{base}/accounts/peertube"} in links

    # the people fixture logged everyone in: all are active this month
    answer = api.get("/nodeinfo/2.0.json")
    assert answer.status == 200
    assert answer.content_type.startswith(
        'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"'
    )
    info = answer.json()
    assert info["software"]["name"] == "peertube" and info["protocols"] == ["activitypub"]
    users = info["usage"]["users"]
    assert users["total"] == 4  # root, alice, bob, mod
    assert users["activeMonth"] == users["activeHalfyear"] == 4
    assert info["usage"]["localPosts"] == 0
    assert api.get("/nodeinfo/2.1.json").status == 404


def test_person_group_and_application_documents(api: ApiClient, people: dict[str, Member]) -> None:
    base = get_settings().instance_url
    alice = people["alice"]
    person = api.get("/accounts/alice", headers=AP)
    assert person.status == 200
    assert person.content_type == "application/activity+json; charset=utf-8"
    doc = person.json()
    assert doc["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert doc["type"] == "Person" and doc["id"] == f"{base}/accounts/alice"
    assert doc["inbox"] == f"{base}/accounts/alice/inbox"
    assert doc["endpoints"] == {"sharedInbox": f"{base}/inbox"}
    assert doc["publicKey"]["id"] == f"{base}/accounts/alice#main-key"
    assert doc["publicKey"]["owner"] == doc["id"]
    assert doc["publicKey"]["publicKeyPem"].startswith(PUBLIC_KEY_PREFIX)
    assert "privateKeyPem" not in person.body.decode() and "PRIVATE" not in person.body.decode()

    group = api.get(f"/video-channels/{alice.channel_name}", headers=AP).json()
    assert group["type"] == "Group" and group["postingRestrictedToMods"] is True
    assert group["attributedTo"] == [{"type": "Person", "id": f"{base}/accounts/alice"}]

    assert api.get("/a/alice", headers=AP).json()["id"] == doc["id"]  # PeerTube's short aliases
    assert api.get(f"/c/{alice.channel_name}", headers=AP).json()["id"] == group["id"]

    application = api.get("/accounts/peertube", headers=AP).json()
    assert application["type"] == "Application" and application["preferredUsername"] == "peertube"

    assert api.get(f"/accounts/{alice.channel_name}", headers=AP).status == 404
    assert api.get("/video-channels/alice", headers=AP).status == 404
    assert api.get("/accounts/nobody", headers=AP).json()["detail"] == "Account not found"


def test_followers_and_following_collections(api: ApiClient, people: dict[str, Member]) -> None:
    base = get_settings().instance_url
    alice, bob = people["alice"], people["bob"]
    empty = api.get(f"/video-channels/{alice.channel_name}/followers", headers=AP).json()
    assert empty["type"] == "OrderedCollection" and empty["totalItems"] == 0 and "first" not in empty

    handle = f"{alice.channel_name}@{get_settings().instance_host}"
    assert api.post_json("/api/v1/users/me/subscriptions", {"uri": handle}, bob.token).status == 204

    root = api.get(f"/video-channels/{alice.channel_name}/followers", headers=AP).json()
    assert root["totalItems"] == 1 and root["first"] == f"{base}/video-channels/{alice.channel_name}/followers?page=1"
    page = api.get(f"/video-channels/{alice.channel_name}/followers?page=1", headers=AP).json()
    assert page["type"] == "OrderedCollectionPage" and page["orderedItems"] == [f"{base}/accounts/bob"]
    assert page["partOf"] == f"{base}/video-channels/{alice.channel_name}/followers" and "next" not in page

    following = api.get("/accounts/bob/following?page=1", headers=AP).json()
    assert following["orderedItems"] == [f"{base}/video-channels/{alice.channel_name}"]
    assert api.get("/accounts/bob/following?page=0", headers=AP).status == 400
    assert api.get("/accounts/bob/following?page=x", headers=AP).status == 400
