"""Two writers appending to the same tickets in opposite orders at once: no deadlock, no gap."""

import threading

import pytest
from django.db import connection, connections

from helpdesk.models import Message
from helpdesk.services.intake import Inbound, intake_receive, intake_receive_many

pytestmark = [pytest.mark.django_db(transaction=True)]

ROUNDS = 25


def test_batches_sharing_tickets_in_opposite_orders_never_deadlock(queues):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    tickets = [
        intake_receive(Inbound(channel="chat", email=f"c{n}@d.co", text="Sin señal")).ticket
        for n in range(3)
    ]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(name: str, order: list) -> None:
        try:
            start.wait()
            for round_ in range(ROUNDS):
                intake_receive_many(
                    [
                        Inbound(
                            channel="chat",
                            ticket_id=t.pk,
                            client_id=f"{name}{round_}-{i}",
                            text=name,
                        )
                        for i, t in enumerate(order)
                    ]
                )
        except BaseException as error:  # a deadlock surfaces here as OperationalError
            failures.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=writer, args=("a", tickets)),
        threading.Thread(target=writer, args=("b", tickets[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for ticket in tickets:
        seqs = list(
            Message.objects.filter(ticket=ticket).order_by("seq").values_list("seq", flat=True)
        )
        assert seqs == list(range(1, 2 * ROUNDS + 2))  # the opening + one per round per writer
