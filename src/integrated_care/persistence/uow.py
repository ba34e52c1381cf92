"""The unit of work: one transaction per use case. Services never commit; callers do.

    with UnitOfWork(session_factory) as uow:
        structure_service.suspend(uow, ...)
        uow.commit()

Leaving the block without ``commit()`` (including through an exception) rolls everything
back, so a refused request writes nothing.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from integrated_care.persistence.repositories import (
    AuditRepository,
    StructureRepository,
    UserRepository,
)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


class UnitOfWork:
    session: Session
    structure: StructureRepository
    users: UserRepository
    audit: AuditRepository

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.structure = StructureRepository(self.session)
        self.users = UserRepository(self.session)
        self.audit = AuditRepository(self.session)
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            self.session.rollback()
        self.session.close()

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()
        self._committed = True
