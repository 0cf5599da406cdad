"""Routing, capacity and the supervisor API, in-process (no sockets)."""

import io

import pytest
from django.test import Client

from channels_chat import leases
from channels_chat.models import Conversation
from channels_chat.seed import seed
from channels_chat.services.assignment import capacity_set, conversation_accept, presence_set
from channels_chat.services.conversations import conversation_open
from helpdesk.models import AgentProfile, CannedResponse
from tests.factories import user_create

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]


def online(user, channel):
    leases.lease_open(leases.agent_key(user.pk), channel)
    presence_set(user, "online")


def open_chat(n):
    return conversation_open(
        name=f"C{n}", email=f"c{n}@example.com", topic="No tengo señal en mi celular"
    ).conversation


def test_offer_goes_to_least_loaded_agent_with_capacity(queues):
    busy = user_create("ocupado", queues=[queues["technical"]], capacity=2)
    free = user_create("libre", queues=[queues["technical"]], capacity=2)
    away = user_create("ausente", queues=[queues["technical"]], capacity=5)
    online(busy, "test!busy")
    online(free, "test!free")
    leases.lease_open(leases.agent_key(away.pk), "test!away")
    presence_set(away, "away")
    try:
        first = open_chat(1)
        conversation_accept(first.pk, agent=busy)
        second = open_chat(2)
        assert second.offered_to_id == free.pk and not second.offline
        conversation_accept(second.pk, agent=free)
        conversation_accept(open_chat(3).pk, agent=busy)  # busy: 2 of 2
        fourth = open_chat(4)
        assert fourth.offered_to_id == free.pk
        conversation_accept(fourth.pk, agent=free)  # free: 2 of 2
        fifth = open_chat(5)
        assert fifth.offered_to_id is None and not fifth.offline  # online but full
        with pytest.raises(Exception) as info:
            conversation_accept(fifth.pk, agent=busy)
        assert info.value.code == "capacity_full"
        assert Conversation.objects.get(pk=fifth.pk).state == "waiting"
    finally:
        for user, channel in ((busy, "test!busy"), (free, "test!free"), (away, "test!away")):
            leases.lease_close(leases.agent_key(user.pk), channel)


def test_nobody_online_marks_offline(queues, agent):
    conversation = open_chat(1)
    assert conversation.offline and conversation.offered_to_id is None


def test_supervisor_sees_and_changes_capacity(queues, agent, supervisor):
    with pytest.raises(Exception) as info:
        capacity_set(agent.pk, 5, actor=agent)
    assert info.value.code == "forbidden"
    client = Client()
    client.force_login(agent)
    assert client.get("/chat/api/agents/").status_code == 403
    assert client.post(f"/chat/api/agents/{agent.pk}/capacity/", {"capacity": 9}).status_code == 403
    client.force_login(supervisor)
    listing = client.get("/chat/api/agents/").json()["agents"]
    row = next(a for a in listing if a["username"] == "agente1")
    assert (row["capacity"], row["effective"], row["queues"]) == (3, "offline", ["technical"])
    response = client.post(
        f"/chat/api/agents/{agent.pk}/capacity/", {"capacity": 6}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["capacity"] == 6
    bad = client.post(
        f"/chat/api/agents/{agent.pk}/capacity/", {"capacity": 99}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert AgentProfile.objects.get(user=agent).chat_capacity == 6


def test_canned_api_and_seed_is_idempotent(queues, agent):
    out = io.StringIO()
    seed(out)
    seed(out)
    assert CannedResponse.objects.filter(shortcut__startswith="chat-").count() == 6
    assert "6 respuestas" in out.getvalue() and "0 respuestas" in out.getvalue()
    client = Client()
    client.force_login(agent)
    shortcuts = {row["shortcut"] for row in client.get("/chat/api/canned/").json()["canned"]}
    assert "chat-apn" in shortcuts and "chat-recarga" not in shortcuts  # billing only


def test_demo_page_embeds_one_tag(db):
    html = Client().get("/chat/demo/").content.decode()
    assert html.count("channels_chat/widget.js") == 2  # the snippet shown and the tag itself
