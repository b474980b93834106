"""A person as the API shows one: who, by login and by name."""

from dataclasses import dataclass

from casetracker.auth.models import User


@dataclass(frozen=True, slots=True)
class PersonOut:
    id: int
    login: str
    name: str


def person_out(user: User) -> PersonOut:
    return PersonOut(id=user.id, login=user.username, name=user.display_name)
