import pytest
from django.test import Client

from bdcdj.demo.dataset import PASSWORD, load_demo
from bdcdj.register.models import Right, RightKind, RightStatus


@pytest.fixture
def demo(db):
    return load_demo(size="small")


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD), username
    return client


@pytest.fixture
def owned_unit(demo):
    """A unit whose current title belongs to a private person (sold by the developer)."""
    right = (
        Right.objects.filter(
            kind=RightKind.HOUSE_OWNERSHIP, status=RightStatus.CURRENT, registration_type="200"
        )
        .select_related("unit")
        .order_by("id")
        .first()
    )
    assert right is not None
    return right.unit
