"""The register in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from sqlalchemy import exc, func, select, text

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.governance.register.checkpoints import verify_tlog_proof
from integrated_care.governance.register.entries import Event
from integrated_care.governance.register.export import export_log, verify_register
from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.merkle import (
    MerkleTree,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from integrated_care.governance.register.store import RegisterStore
from integrated_care.governance.register.verify import Report, verify_bytes
from integrated_care.persistence.register_models import RegisterEntryRow, RegisterPrivateRow
from integrated_care.workspace import Workspace

from .conftest import AT, SYSTEM, vote


@pytest.fixture
def store(signer: Signer) -> RegisterStore:
    return RegisterStore(signer, checkpoint_every=5)


def append_votes(ws: Workspace, store: RegisterStore, count: int, start: int = 0) -> list[int]:
    with ws.uow() as uow:
        seqs = [store.append_many(uow.session, SYSTEM, [vote(start + n)])[0] for n in range(count)]
        uow.commit()
    return seqs


def exported(ws: Workspace, store: RegisterStore) -> Report:
    assert store.signer is not None
    buffer = io.BytesIO()
    with ws.uow() as uow:
        export_log(uow.session, store, SYSTEM, buffer, store.signer.public_key)
    return verify_bytes(buffer.getvalue(), store.signer.public_key)


def count(ws: Workspace, table: str) -> int:
    with ws.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608


def test_appends_get_consecutive_seqs(system_ws: Workspace, store: RegisterStore) -> None:
    assert append_votes(system_ws, store, 3) == [0, 1, 2]
    with system_ws.uow() as uow:
        seq = store.append(uow.session, SYSTEM, "proposal", {"title": "T"}, at=AT, body="QT1-BOARD")
        more = store.append_many(uow.session, SYSTEM, [vote(10), vote(11)])
        uow.commit()
    assert (seq, more) == (3, [4, 5])
    with system_ws.uow() as uow:
        entries = store.entries(uow.session, SYSTEM)
        assert [e.seq for e in entries] == list(range(6))
        assert entries[3].payload == {"title": "T"}
        assert entries[3].body == "QT1-BOARD"
        assert store.size(uow.session, SYSTEM) == 6
        rows = uow.session.scalars(select(RegisterEntryRow).order_by(RegisterEntryRow.seq)).all()
        assert [bytes.fromhex(r.leaf_hash) for r in rows] == [e.leaf_hash for e in entries]
        assert [e.seq for e in store.last(uow.session, SYSTEM, 2)] == [4, 5]


def test_an_uncommitted_unit_of_work_leaves_nothing(
    system_ws: Workspace, store: RegisterStore
) -> None:
    with system_ws.uow() as uow:
        store.append_many(uow.session, SYSTEM, [vote(n) for n in range(7)])  # a checkpoint too

    def failing_service() -> None:
        with system_ws.uow() as uow:
            store.append(uow.session, SYSTEM, "vote", {}, at=AT)
            raise RuntimeError("the service failed")

    with pytest.raises(RuntimeError, match="the service failed"):
        failing_service()
    assert count(system_ws, "register_entries") == 0
    assert count(system_ws, "register_checkpoints") == 0
    assert append_votes(system_ws, store, 1) == [0]


def test_bad_input_writes_nothing(system_ws: Workspace, store: RegisterStore) -> None:
    with system_ws.uow() as uow:
        with pytest.raises(InvalidInput, match="fraction"):
            store.append_many(uow.session, SYSTEM, [vote(0), Event("vote", {"w": 0.5}, AT)])
        with pytest.raises(NotFound, match="Unknown system 'XX9'"):
            store.append(uow.session, "XX9", "vote", {}, at=AT)
        uow.commit()
    assert count(system_ws, "register_entries") == 0


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE register_entries SET leaf = '{}'",
        "UPDATE register_entries SET seq = seq + 100",
        "DELETE FROM register_entries WHERE seq = 2",
        "DELETE FROM register_entries",
        "UPDATE register_checkpoints SET root = 'x'",
        "DELETE FROM register_checkpoints",
    ],
)
def test_the_database_refuses_to_rewrite_the_register(
    system_ws: Workspace, store: RegisterStore, sql: str
) -> None:
    append_votes(system_ws, store, 6)
    before = (count(system_ws, "register_entries"), count(system_ws, "register_checkpoints"))
    with pytest.raises(exc.DBAPIError, match="append-only"), system_ws.engine.begin() as c:
        c.execute(text(sql))
    after = (count(system_ws, "register_entries"), count(system_ws, "register_checkpoints"))
    assert after == before == (6, 1)
    assert exported(system_ws, store).ok


@pytest.mark.parametrize("table", ["register_entries", "register_checkpoints"])
def test_postgresql_refuses_truncate(
    system_ws: Workspace, store: RegisterStore, table: str
) -> None:
    if system_ws.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE statement")
    append_votes(system_ws, store, 5)
    with pytest.raises(exc.DBAPIError, match="append-only"), system_ws.engine.begin() as c:
        c.execute(text(f"TRUNCATE {table} CASCADE"))
    assert count(system_ws, table) >= 1


def test_checkpoints_every_n_and_on_demand(system_ws: Workspace, store: RegisterStore) -> None:
    append_votes(system_ws, store, 7)  # checkpoint at 5, in a transaction of its own
    append_votes(system_ws, store, 5, start=7)  # at 10, from the stored frontier at 5
    with system_ws.uow() as uow:
        made = store.checkpoint(uow.session, SYSTEM)
        again = store.checkpoint(uow.session, SYSTEM)
        uow.commit()
    assert made.tree_size == again.tree_size == 12
    assert made.signature == again.signature
    with system_ws.uow() as uow:
        checkpoints = store.checkpoints(uow.session, SYSTEM)
        tree = MerkleTree(store.leaf_hashes(uow.session, SYSTEM))
    assert [c.tree_size for c in checkpoints] == [5, 10, 12]
    for checkpoint in checkpoints:
        assert checkpoint.verify()
        assert checkpoint.root == tree.root(checkpoint.tree_size)
    report = exported(system_ws, store)
    assert report.ok
    assert report.checkpoints == 3
    assert report.signed_size == 12


def test_a_batch_across_several_boundaries(system_ws: Workspace, store: RegisterStore) -> None:
    with system_ws.uow() as uow:
        store.append_many(uow.session, SYSTEM, [vote(n) for n in range(23)])
        uow.commit()
    with system_ws.uow() as uow:
        assert [c.tree_size for c in store.checkpoints(uow.session, SYSTEM)] == [5, 10, 15, 20]
    assert exported(system_ws, store).ok


def test_without_a_signer_no_checkpoints_are_made(system_ws: Workspace) -> None:
    unsigned = RegisterStore(checkpoint_every=2)
    with system_ws.uow() as uow:
        unsigned.append_many(uow.session, SYSTEM, [vote(n) for n in range(5)])
        with pytest.raises(InvalidInput, match="signing key"):
            unsigned.checkpoint(uow.session, SYSTEM)
        made = unsigned.checkpoint(uow.session, SYSTEM, Signer.generate())
        uow.commit()
    assert made.tree_size == 5
    assert count(system_ws, "register_checkpoints") == 1


def test_a_rolled_back_savepoint_does_not_confuse_the_sequence(
    system_ws: Workspace, store: RegisterStore
) -> None:
    with system_ws.uow() as uow:
        store.append(uow.session, SYSTEM, "vote", {"n": 0}, at=AT)
        savepoint = uow.session.begin_nested()
        store.append(uow.session, SYSTEM, "vote", {"n": 1}, at=AT)
        savepoint.rollback()
        assert store.append(uow.session, SYSTEM, "vote", {"n": 2}, at=AT) == 1
        uow.commit()
    assert exported(system_ws, store).ok


def test_private_items_are_revealed_when_due(system_ws: Workspace, store: RegisterStore) -> None:
    with system_ws.uow() as uow:
        early = store.append(
            uow.session, SYSTEM, "decision", {"carried": True}, at=AT, body="QT1-BOARD",
            private=True, reveal_after=date(2024, 6, 1),
        )  # fmt: skip
        late = store.append(
            uow.session, SYSTEM, "decision", {"carried": False}, at=AT,
            private=True, reveal_after=date(2030, 1, 1),
        )  # fmt: skip
        uow.commit()
    assert count(system_ws, "register_private") == 2
    with system_ws.uow() as uow:
        assert store.reveal_due(uow.session, SYSTEM, date(2024, 5, 31)) == []
        revealed = store.reveal_due(uow.session, SYSTEM, date(2024, 6, 1), at=AT)
        uow.commit()
    assert revealed == [2]
    with system_ws.uow() as uow:
        entry = store.entries(uow.session, SYSTEM, start=2)[0]
        assert entry.revealed() == (early, {"carried": True})
        assert entry.body == "QT1-BOARD"
        assert [i.seq for i in store.private_items(uow.session, SYSTEM)] == [late]
        store.checkpoint(uow.session, SYSTEM)
        uow.commit()
    report = exported(system_ws, store)
    assert report.ok
    assert report.reveals == 1
    assert report.unrevealed == [late]
    with system_ws.uow() as uow:
        store.reveal(uow.session, SYSTEM, late, at=AT)
        with pytest.raises(NotFound, match="unrevealed private entry"):
            store.reveal(uow.session, SYSTEM, late, at=AT)
        uow.commit()
    assert count(system_ws, "register_private") == 0


def test_the_private_table_may_lose_rows(system_ws: Workspace, store: RegisterStore) -> None:
    with system_ws.uow() as uow:
        store.append(uow.session, SYSTEM, "declaration", {"x": 1}, at=AT, private=True)
        uow.commit()
    with system_ws.engine.begin() as connection:
        connection.execute(text("DELETE FROM register_private"))
    with system_ws.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(RegisterPrivateRow)) == 0


def test_proofs_verify_against_the_signed_checkpoints(
    system_ws: Workspace, store: RegisterStore
) -> None:
    append_votes(system_ws, store, 13)
    with system_ws.uow() as uow:
        latest = store.checkpoint(uow.session, SYSTEM)
        checkpoints = {c.tree_size: c for c in store.checkpoints(uow.session, SYSTEM)}
        for seq in range(13):
            proof = store.inclusion_proof(uow.session, SYSTEM, seq)
            assert proof.tree_size == 13
            assert proof.checkpoint == latest
            assert verify_inclusion(leaf_hash(proof.leaf), seq, 13, proof.path, latest.root)
            origin = store.origin(SYSTEM)
            public_key = latest.public_key
            assert verify_tlog_proof(proof.text(), proof.leaf, origin, public_key) == seq
        old = store.inclusion_proof(uow.session, SYSTEM, 2, size=5)
        assert verify_inclusion(leaf_hash(old.leaf), 2, 5, old.path, checkpoints[5].root)
        for old_size, new_size in [(5, 10), (5, 13), (10, 13), (0, 13), (13, 13)]:
            path = store.consistency_proof(uow.session, SYSTEM, old_size, new_size)
            old_root = checkpoints[old_size].root if old_size else MerkleTree().root()
            new_root = checkpoints[new_size].root
            assert verify_consistency(old_size, new_size, old_root, new_root, path)
        with pytest.raises(InvalidInput, match="not in the tree"):
            store.inclusion_proof(uow.session, SYSTEM, 13)
        with pytest.raises(InvalidInput, match="No consistency proof"):
            store.consistency_proof(uow.session, SYSTEM, 5, 14)


def test_proving_needs_a_checkpoint(system_ws: Workspace) -> None:
    unsigned = RegisterStore()
    with system_ws.uow() as uow:
        unsigned.append(uow.session, SYSTEM, "vote", {}, at=AT)
        with pytest.raises(InvalidInput, match="no checkpoint yet"):
            unsigned.inclusion_proof(uow.session, SYSTEM, 0)


def test_systems_have_their_own_sequences(system_ws: Workspace, store: RegisterStore) -> None:
    with system_ws.uow() as uow:
        uow.structure.add_system("QE1", "E54000048", "NHS Lancashire and South Cumbria", "t")
        uow.commit()
    with system_ws.uow() as uow:
        assert store.append(uow.session, SYSTEM, "vote", {}, at=AT) == 0
        assert store.append(uow.session, "QE1", "vote", {}, at=AT) == 0
        assert store.append(uow.session, SYSTEM, "vote", {}, at=AT) == 1
        uow.commit()


def test_concurrent_writers_never_share_a_seq(system_ws: Workspace, store: RegisterStore) -> None:
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for item in range(10):
                with system_ws.uow() as uow:
                    store.append(uow.session, SYSTEM, "vote", {"w": number, "i": item}, at=AT)
                    uow.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with system_ws.uow() as uow:
        entries = store.entries(uow.session, SYSTEM)
        store.checkpoint(uow.session, SYSTEM)
        uow.commit()
    assert [e.seq for e in entries] == list(range(40))
    assert sorted((e.payload or {})["w"] for e in entries) == sorted(list(range(4)) * 10)
    report = exported(system_ws, store)
    assert report.ok
    assert report.checkpoints == 8


def test_verify_register_checks_the_database_as_an_outsider_would(
    system_ws: Workspace, store: RegisterStore, signer: Signer
) -> None:
    append_votes(system_ws, store, 12)
    with system_ws.uow() as uow:
        report = verify_register(uow.session, store, SYSTEM, signer.public_key)
    assert report.ok
    assert (report.entries, report.signed_size) == (12, 10)
    if system_ws.engine.dialect.name == "sqlite":  # tamper under the triggers' noses
        with system_ws.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER register_entries_no_update"))
            connection.execute(
                text("UPDATE register_entries SET leaf = replace(leaf, 'Member 3', 'Member 9')")
            )
        with system_ws.uow() as uow:
            failure = verify_register(uow.session, store, SYSTEM, signer.public_key).failure
        assert failure is not None
        assert failure.seq == 0
