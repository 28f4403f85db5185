"""The console's forms of the registration business, read into the plain values the case
services take, and the services' field names mapped back onto the inputs.

Nothing here decides whether a value is acceptable: the services validate and raise
InvalidInput naming each bad field; `set_errors` puts each message next to its input.
"""

from bdcdj.cases.forms.intake import UNIT_CODE_RE, IntakeForm, MaterialUploadForm, MemberInput, PartyRow
from bdcdj.cases.forms.workflow import WorkflowForm

__all__ = ["UNIT_CODE_RE", "IntakeForm", "MaterialUploadForm", "MemberInput", "PartyRow", "WorkflowForm"]
