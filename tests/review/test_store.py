from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from watchkeeper.review import Store
from watchkeeper.types import Action, Decision, Item


def decision_for(item: Item, action: Action = Action.REMOVE) -> Decision:
    return Decision(
        item_id=item.id,
        content_hash=item.content_hash(),
        policy_name="p",
        policy_version="1",
        actions=(action,),
        rationale="because",
    )


def test_record_is_idempotent_by_item_and_content(store: Store) -> None:
    item = Item(id="i1", text="hello")
    first, created = store.record_decision(item, decision_for(item))
    again, created_again = store.record_decision(item, decision_for(item, Action.ALLOW))
    assert created and not created_again
    assert again.id == first.id and again.decision.actions == (Action.REMOVE,)  # the first decision stands
    assert store.count_decisions() == 1
    edited = item.model_copy(update={"text": "hello, edited"})
    _, created_edit = store.record_decision(edited, decision_for(edited))
    assert created_edit and store.count_decisions() == 2  # new content is a new decision


def test_round_trip_and_listing(store: Store) -> None:
    for i in range(5):
        item = Item(id=f"i{i}", text=f"t{i}", author_id="u1")
        store.record_decision(item, decision_for(item, Action.REMOVE if i % 2 else Action.ALLOW))
    latest = store.list_decisions(limit=2)
    assert [d.item.id for d in latest] == ["i4", "i3"]
    older = store.list_decisions(limit=10, before_id=latest[-1].id)
    assert [d.item.id for d in older] == ["i2", "i1", "i0"]
    assert {d.item.id for d in store.list_decisions(flagged=False)} == {"i0", "i1", "i2", "i3", "i4"}
    got = store.get_decision(latest[0].id)
    assert got is not None and got.item.author_id == "u1" and got.decision.rationale == "because"
    assert store.get_decision(10_000) is None


def test_every_decision_is_audited_and_the_log_is_append_only(store: Store) -> None:
    item = Item(id="a", text="x")
    stored, _ = store.record_decision(item, decision_for(item))
    store.audit(
        actor="rev-7",
        actor_kind="person",
        action="review",
        subject_type="decision",
        subject_id=str(stored.id),
        details={"action": "allow"},
        note="satire",
    )
    log = store.audit_log(subject_type="decision", subject_id=str(stored.id))
    assert [(e.actor_kind, e.action) for e in log] == [("machine", "decide"), ("person", "review")]
    assert log[0].details["actions"] == ["remove"]
    for sql in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    assert len(store.audit_log()) == 2


def test_concurrent_retries_store_one_decision(store: Store) -> None:
    item = Item(id="race", text="same content")
    results: list[bool] = []

    def go() -> None:
        results.append(store.record_decision(item, decision_for(item))[1])

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1 and store.count_decisions() == 1


def test_migrations_are_repeatable(db_url: str) -> None:
    a = Store.open(db_url)
    a.close()
    b = Store.open(db_url)  # already at head: nothing to do, nothing breaks
    assert b.count_decisions() == 0
    b.close()
