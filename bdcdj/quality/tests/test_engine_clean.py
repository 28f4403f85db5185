from bdcdj.quality.engine import evaluate
from bdcdj.quality.tests.conftest import clean_rows, context


def test_clean(db):
    r = evaluate(rows=clean_rows(), context=context())
    print("\n".join(r.as_messages()))
    assert r.findings == ()
