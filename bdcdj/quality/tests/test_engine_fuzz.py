"""Whatever a message or a legacy spreadsheet holds, the engine answers with findings and
never with an exception (stock data is messy; a 500 would stop a whole import)."""

import contextlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import Severity
from bdcdj.quality.rules import TABLES
from bdcdj.quality.tests.conftest import context
from bdcdj.quality.values import SHOWN_MAX_CHARS, as_date, as_decimal

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(min_value=datetime(1, 1, 1)),
    st.text(max_size=300),
    st.sampled_from(["99", "其它", "80", "2", "340121001001GB90001F00010001", "1e999999", "2024-02-30", ""]),
)


def rows_for(table: str):
    codes = sorted(TABLES[table].fields)
    return st.lists(st.dictionaries(st.sampled_from(codes), VALUES, max_size=12), max_size=3)


ROWSETS = st.fixed_dictionaries({}, optional={table: rows_for(table) for table in TABLES})


@pytest.mark.django_db
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=ROWSETS,
    stage=st.sampled_from(["register", "ingest", "stock"]),
    version=st.sampled_from(["2015", "2021"]),
)
def test_any_rows_give_a_report_not_an_exception(rows, stage, version):
    report = evaluate(rows=rows, context=context(stage=stage, version=version))
    for finding in report.findings:
        assert finding.severity in Severity.values
        assert len(finding.message) < 400 + SHOWN_MAX_CHARS


@given(VALUES)
def test_value_readers_raise_only_value_error(value):
    for reader in (as_decimal, as_date):
        with contextlib.suppress(ValueError):
            reader(value)


def test_absurd_exponents_are_not_numbers():
    with pytest.raises(ValueError):
        as_decimal("1e999999")
    assert as_decimal("1.5E+3") == Decimal(1500)
