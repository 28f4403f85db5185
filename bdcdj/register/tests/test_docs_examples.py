"""The examples in docs/register.md run as written, so the other apps can copy them."""

import re
from pathlib import Path

from bdcdj.register.models import RightKind

DOC = Path(__file__).resolve().parents[3] / "docs" / "register.md"


def test_register_doc_examples_run(registrar):
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### Examples", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    scope = {"registrar": registrar}
    exec(compile(code, str(DOC), "exec"), scope)
    assert len(scope["first"].units_created) == 2
    assert scope["transfer"].rights_ended[0] == scope["title"]
    assert scope["mortgage"].rights_created[0].detail.rank == 1
    assert scope["seizure"].rights_created[0].kind == RightKind.SEIZURE
