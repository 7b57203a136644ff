"""The shared answer: versions kept, and two savers at once never lose each other's words."""

import threading

import pytest
from django.db import connection

from capacita.groupwork import services
from capacita.groupwork.models import AnswerVersion
from tests.factories import GroupMemberFactory, GroupQuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    """A participant placed in a group of a session that works in groups."""
    return GroupMemberFactory()


@pytest.fixture
def question(member):
    return GroupQuestionFactory(group=member.group)


def test_every_saved_version_is_kept(question, member):
    first = services.save_answer(question, member.user, "Capacidades: A", 0)
    second = services.save_answer(question, member.user, "Capacidades: A, B", 1)
    assert (first.number, second.number) == (1, 2)
    assert list(question.versions.values_list("text", flat=True)) == [
        "Capacidades: A",
        "Capacidades: A, B",
    ]


def test_saving_on_an_old_version_is_a_conflict_and_saves_nothing(question, member):
    services.save_answer(question, member.user, "Texto de Ana", 0)
    with pytest.raises(services.Conflict) as raised:
        services.save_answer(question, member.user, "Texto de Luis", 0)
    assert raised.value.current.text == "Texto de Ana"
    assert raised.value.text == "Texto de Luis"
    assert question.versions.count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_members_saving_at_once_never_lose_words():
    member = GroupMemberFactory()
    question = GroupQuestionFactory(group=member.group)
    barrier = threading.Barrier(2)
    outcomes = {}

    def write(name):
        try:
            barrier.wait()
            outcomes[name] = services.save_answer(question, member.user, name, 0).text
        except services.Conflict as conflict:
            outcomes[name] = conflict
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("Ana", "Luis")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [value for value in outcomes.values() if isinstance(value, str)]
    refused = [value for value in outcomes.values() if isinstance(value, services.Conflict)]
    # Exactly one became version 1; the other was told, with its own words returned.
    assert len(saved) == 1 and len(refused) == 1
    assert AnswerVersion.objects.filter(question=question).count() == 1
    assert refused[0].text in {"Ana", "Luis"} and refused[0].text != saved[0]
