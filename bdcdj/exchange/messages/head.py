"""Constants of the message head shared by building and validation."""

# Head elements in the order they are written (reference §4.3).
HEAD_ORDER = (
    "BizMsgID",
    "ASID",
    "AreaCode",
    "RecType",
    "RightType",
    "RegType",
    "CreateDate",
    "RecFlowID",
    "RegOrgID",
    "ParcelID",
    "EstateNum",
    "PreEstateNum",
    "CertCount",
    "ProofCount",
    "PreCertID",
    "DigitalSign",
)
ASID = "AS100"  # 接入标准ID: the same for every county (reference §4.3)
