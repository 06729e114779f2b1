"""Watched words and automatic tags as PeerTube answers them: the account's and the
instance's lists (limits, duplicates, who may), the tags each may use, the review policy,
and what the tags do to comments (tagged for the staff and the owner, held by the policy)."""

from __future__ import annotations

import json
from typing import Any

from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.e2e.openapi_paths import assert_answers
from tests.members import Member
from tests.openapi import LIST_DEVIATIONS, assert_conforms
from tests.video_seed import add_video

ALICE_LISTS = "/api/v1/watched-words/accounts/alice/lists"
SERVER_LISTS = "/api/v1/watched-words/server/lists"


def add(api: ApiClient, path: str, token: str | None, body: Any) -> ApiResponse:
    return api.post_json(path, body, token)


def problem(response: ApiResponse, status: int) -> dict[str, Any]:
    assert response.status == status, response.body
    assert response.content_type.startswith("application/problem+json")
    return dict(response.json())


def stored() -> list[str]:
    from chalicelib.store.models import TableItem, Throttle

    return sorted(
        json.dumps(item.to_simple_dict(), sort_keys=True, default=str)
        for item in TableItem.scan()
        if not isinstance(item, Throttle)
    )


def test_an_accounts_lists(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    made = add(api, ALICE_LISTS, alice.token, {"listName": "  spam  ", "words": ["buy now", "cheap"]})
    assert made.status == 200, made.body
    assert_answers("POST", "/api/v1/watched-words/accounts/{accountName}/lists", made.json())
    spam_id = made.json()["watchedWordsList"]["id"]
    second = add(api, ALICE_LISTS, alice.token, {"listName": "rude", "words": ["idiot"]}).json()["watchedWordsList"]

    page = api.get_as(ALICE_LISTS, alice.token).json()
    assert_answers("GET", "/api/v1/watched-words/accounts/{accountName}/lists", page)
    assert page["total"] == 2
    assert [(w["listName"], w["words"]) for w in page["data"]] == [("rude", ["idiot"]), ("spam", ["buy now", "cheap"])]
    assert list(page["data"][0]) == ["id", "listName", "words", "updatedAt", "createdAt"]
    by_name = api.get_as(f"{ALICE_LISTS}?sort=listName&start=1&count=1", alice.token).json()
    assert (by_name["total"], [w["listName"] for w in by_name["data"]]) == (2, ["spam"])

    # Update: a new name, new words, or both; the same name again is fine.
    assert api.put_json(f"{ALICE_LISTS}/{spam_id}", {"words": ["casino"]}, alice.token).status == 204
    assert api.put_json(f"{ALICE_LISTS}/{spam_id}", {"listName": "spam"}, alice.token).status == 204
    taken = api.put_json(f"{ALICE_LISTS}/{spam_id}", {"listName": "rude"}, alice.token)
    assert problem(taken, 400)["detail"] == "Watched words list with name rude already exists"
    assert api.put_json(f"{ALICE_LISTS}/{spam_id}", {"listName": "ads"}, alice.token).status == 204
    names = {w["listName"]: w["words"] for w in api.get_as(ALICE_LISTS, alice.token).json()["data"]}
    assert names == {"ads": ["casino"], "rude": ["idiot"]}
    # The old name is free again; names are case-sensitive, as PeerTube's.
    assert add(api, ALICE_LISTS, alice.token, {"listName": "spam", "words": ["x"]}).status == 200
    assert add(api, ALICE_LISTS, alice.token, {"listName": "Rude", "words": ["x"]}).status == 200

    # Delete, then it is unknown.
    assert api.delete_as(f"{ALICE_LISTS}/{second['id']}", alice.token).status == 204
    unknown = api.delete_as(f"{ALICE_LISTS}/{second['id']}", alice.token)
    assert problem(unknown, 404)["detail"] == "Unknown watched words list id for this account"
    assert problem(api.delete_as(f"{ALICE_LISTS}/abc", alice.token), 400)["invalid-params"]["listId"]
    # Another account's list id is unknown here.
    bobs = add(api, "/api/v1/watched-words/accounts/bob/lists", bob.token, {"listName": "b", "words": ["w"]}).json()
    problem(api.put_json(f"{ALICE_LISTS}/{bobs['watchedWordsList']['id']}", {"words": ["y"]}, alice.token), 404)

    # Who may: the account's owner, and those who manage users; remote or unknown accounts not.
    assert api.get(ALICE_LISTS).status == 401
    refused = problem(api.get_as(ALICE_LISTS, bob.token), 403)
    assert refused["detail"] == "Only a user with sufficient right can access this account resource."
    assert api.get_as(ALICE_LISTS, people["mod"].token).status == 200
    assert problem(api.get_as("/api/v1/watched-words/accounts/nobody/lists", bob.token), 404)["detail"] == (
        "Account not found"
    )


def test_bad_lists_are_refused_and_change_nothing(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    made = add(api, ALICE_LISTS, alice.token, {"listName": "kept", "words": ["one"]}).json()["watchedWordsList"]
    before = stored()
    name_error = "Should have a list name between 1 and 100 characters long"
    words_error = "Should have an array of up to 500 words between 1 and 100 characters each"
    for body, field, message in (
        ({"words": ["a"]}, "listName", name_error),
        ({"listName": "   ", "words": ["a"]}, "listName", name_error),
        ({"listName": "n" * 101, "words": ["a"]}, "listName", name_error),
        ({"listName": 5, "words": ["a"]}, "listName", name_error),
        ({"listName": "n"}, "words", words_error),
        ({"listName": "n", "words": []}, "words", words_error),
        ({"listName": "n", "words": [""]}, "words", words_error),
        ({"listName": "n", "words": ["w" * 101]}, "words", words_error),
        ({"listName": "n", "words": ["w"] * 501}, "words", words_error),
        ({"listName": "n", "words": "spam"}, "words", words_error),
        ({"listName": "n", "words": [3]}, "words", words_error),
    ):
        refused = problem(add(api, ALICE_LISTS, alice.token, body), 400)
        assert refused["invalid-params"][field]["msg"] == message, body
    duplicate = add(api, ALICE_LISTS, alice.token, {"listName": "kept", "words": ["two"]})
    assert problem(duplicate, 400)["detail"] == "Watched words list with name kept already exists"
    for body in ({"words": []}, {"listName": ""}, {"words": ["w" * 101]}):
        problem(api.put_json(f"{ALICE_LISTS}/{made['id']}", body, alice.token), 400)
    assert stored() == before
    # At the limits: accepted.
    assert add(api, ALICE_LISTS, alice.token, {"listName": "n" * 100, "words": ["w" * 100] * 500}).status == 200


def test_the_instances_lists_and_tags(api: ApiClient, people: dict[str, Member]) -> None:
    mod, alice = people["mod"], people["alice"]
    assert api.get_as(SERVER_LISTS, alice.token).status == 403
    assert add(api, SERVER_LISTS, alice.token, {"listName": "x", "words": ["y"]}).status == 403
    made = add(api, SERVER_LISTS, mod.token, {"listName": "slurs", "words": ["badword"]})
    assert made.status == 200
    listed = api.get_as(SERVER_LISTS, mod.token).json()
    assert_answers("GET", SERVER_LISTS, listed)
    assert [w["listName"] for w in listed["data"]] == ["slurs"]
    assert api.get_as(ALICE_LISTS, alice.token).json()["total"] == 0  # not the account's

    available = api.get_as("/api/v1/automatic-tags/server/available", mod.token)
    assert available.status == 200
    assert_conforms("AutomaticTagAvailable", available.json())
    assert available.json() == {
        "available": [{"name": "slurs", "type": "watched-words-list"}, {"name": "external-link", "type": "core"}]
    }
    assert api.get_as("/api/v1/automatic-tags/server/available", alice.token).status == 403
    list_id = made.json()["watchedWordsList"]["id"]
    assert api.put_json(f"{SERVER_LISTS}/{list_id}", {"words": ["other"]}, mod.token).status == 204
    assert api.delete_as(f"{SERVER_LISTS}/{list_id}", mod.token).status == 204
    assert api.get_as(SERVER_LISTS, mod.token).json()["total"] == 0


def test_comments_are_tagged_and_held_as_peertube_does(api: ApiClient, people: dict[str, Member]) -> None:
    """Words match whole, case ignored, literally; `external-link` for a link elsewhere; the
    owner's tags (its lists) and the instance's are kept apart; a comment whose owner tags
    the owner's policy names is held for review."""
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert add(api, ALICE_LISTS, alice.token, {"listName": "spam", "words": ["casino", "a.b"]}).status == 200
    assert add(api, SERVER_LISTS, root, {"listName": "slurs", "words": ["idiot"]}).status == 200

    policy_path = "/api/v1/automatic-tags/policies/accounts/alice/comments"
    assert api.get_as(policy_path, alice.token).json() == {"review": []}
    unknown = api.put_json(policy_path, {"review": ["slurs"]}, alice.token)  # the instance's, not hers
    assert problem(unknown, 400)["detail"] == "slurs is not an available automatic tag"
    assert problem(api.put_json(policy_path, {"review": "spam"}, alice.token), 400)["invalid-params"]["review"]
    assert api.put_json(policy_path, {"review": ["spam"]}, alice.token).status == 204
    got = api.get_as(policy_path, alice.token).json()
    assert_conforms("CommentAutoTagPolicies", got)
    assert got == {"review": ["spam"]}
    assert api.get_as(policy_path, bob.token).status == 403
    mine = api.get_as("/api/v1/automatic-tags/accounts/alice/available", alice.token).json()
    assert [t["name"] for t in mine["available"]] == ["spam", "external-link"]

    video = add_video(alice.account_id, alice.channel_id, "Alice's game")
    cases = {
        "Try the CASINO!": (["spam"], True),
        "casinos are fine": ([], False),  # a longer word
        "axb is not a.b": (["spam"], True),  # a.b literally, not a regex
        "axb only": ([], False),
        "You idiot": ([], False),  # the instance's list: not the owner's
        "see https://elsewhere.example/x": (["external-link"], False),
    }
    for text in cases:
        made = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": text}, bob.token)
        assert made.status == 200
        assert made.json()["comment"]["heldForReview"] is cases[text][1], text

    owners = api.get_as("/api/v1/users/me/videos/comments?count=100", alice.token).json()["data"]
    assert {c["text"]: (c["automaticTags"], c["heldForReview"]) for c in owners} == cases
    staff = api.get_as("/api/v1/videos/comments?count=100", mod.token).json()
    assert_answers("GET", "/api/v1/videos/comments", staff, known_deviations=LIST_DEVIATIONS)
    assert {c["text"]: c["automaticTags"] for c in staff["data"]} == {
        "Try the CASINO!": [],
        "casinos are fine": [],
        "axb is not a.b": [],
        "axb only": [],
        "You idiot": ["slurs"],
        "see https://elsewhere.example/x": ["external-link"],
    }
    tagged = api.get_as("/api/v1/videos/comments?autoTagOneOf=slurs&autoTagOneOf=external-link", mod.token)
    assert {c["text"] for c in tagged.json()["data"]} == {"You idiot", "see https://elsewhere.example/x"}
    held = api.get_as("/api/v1/users/me/videos/comments?autoTagOneOf=spam&isHeldForReview=true", alice.token)
    assert {c["text"] for c in held.json()["data"]} == {"Try the CASINO!", "axb is not a.b"}
    # Held comments stay out of the public threads; the owner is exempt from her own policy.
    public = api.get(f"/api/v1/videos/{video.uuid}/comment-threads").json()["data"]
    assert "Try the CASINO!" not in [c["text"] for c in public]
    own = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "casino"}, alice.token)
    assert own.json()["comment"]["heldForReview"] is False
