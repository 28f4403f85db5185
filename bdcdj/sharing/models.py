"""Departments and their interfaces (configuration), the archive of every check, court orders
received electronically, and the nonces already accepted from departments (replay guard)."""

from django.db import models

from bdcdj.core.models import RegionScoped
from bdcdj.sharing.kinds import CLASS_LABELS, KINDS, STATUS_LABELS


class Mode(models.TextChoices):
    # 总对总: national/provincial platform to platform; 总对点: our platform to a local
    # department; 点对点: county to county department.
    TOP_TOP = "top_top", "总对总"
    TOP_POINT = "top_point", "总对点"
    POINT_POINT = "point_point", "点对点"


class Department(models.Model):
    code = models.SlugField("部门代码", max_length=20, unique=True)
    name = models.CharField("部门名称", max_length=50)
    endpoint_url = models.URLField("服务地址", max_length=300, help_text="如 http://127.0.0.1:8201/police")
    mode = models.CharField("对接模式", max_length=12, choices=Mode.choices, default=Mode.TOP_POINT)
    credentials_ref = models.CharField(
        "密钥引用",
        max_length=40,
        help_text="共享密钥取自环境变量 BDCDJ_SHARING_KEY_<引用>，未设置时由主密钥派生",
    )
    enabled = models.BooleanField("启用", default=True)
    timeout_seconds = models.PositiveSmallIntegerField("超时（秒）", default=5)

    class Meta:
        verbose_name = verbose_name_plural = "共享部门"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Interface(models.Model):
    """One kind of check offered by a department; blank fields inherit from the department."""

    department = models.ForeignKey(
        Department, verbose_name="部门", related_name="interfaces", on_delete=models.CASCADE
    )
    kind = models.CharField(
        "核验类型", max_length=40, unique=True, choices=[(k, v.label) for k, v in KINDS.items()]
    )
    name = models.CharField("接口名称", max_length=50)
    endpoint_url = models.URLField("服务地址（覆盖）", max_length=300, blank=True)
    mode = models.CharField("对接模式（覆盖）", max_length=12, choices=Mode.choices, blank=True)
    credentials_ref = models.CharField("密钥引用（覆盖）", max_length=40, blank=True)
    enabled = models.BooleanField("启用", default=True)
    timeout_seconds = models.PositiveSmallIntegerField("超时（秒，覆盖）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "共享接口"
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.department.name} · {self.name}"

    @property
    def class_label(self) -> str:
        return CLASS_LABELS[self.kind.split(".")[0]]

    @property
    def effective_url(self) -> str:
        base = (self.endpoint_url or self.department.endpoint_url).rstrip("/")
        return f"{base}/{self.kind}"

    @property
    def effective_mode(self) -> str:
        return self.mode or self.department.mode

    @property
    def effective_credentials(self) -> str:
        return self.credentials_ref or self.department.credentials_ref

    @property
    def effective_timeout(self) -> int:
        return self.timeout_seconds or self.department.timeout_seconds

    @property
    def active(self) -> bool:
        return self.enabled and self.department.enabled


class CheckStatus(models.TextChoices):
    PENDING = "pending", STATUS_LABELS["pending"]
    OK = "ok", STATUS_LABELS["ok"]
    MISMATCH = "mismatch", STATUS_LABELS["mismatch"]
    NOT_FOUND = "not_found", STATUS_LABELS["not_found"]
    UNAVAILABLE = "unavailable", STATUS_LABELS["unavailable"]


class SharingCheck(RegionScoped):
    """One check, archived before the network call so nothing is lost. Bodies with personal
    data are stored SM4-encrypted; the masked copies are what pages show."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name="业务",
        related_name="sharing_checks",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    interface = models.ForeignKey(
        Interface, verbose_name="接口", null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField("核验类型", max_length=40, db_index=True)
    status = models.CharField("状态", max_length=12, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    message = models.CharField("结果说明", max_length=200, blank=True)
    result = models.JSONField("结果字段", default=dict, blank=True)
    request_enc = models.TextField("请求（密文）", blank=True)
    request_masked = models.JSONField("请求（脱敏）", default=dict, blank=True)
    response_enc = models.TextField("应答（密文）", blank=True)
    response_masked = models.JSONField("应答（脱敏）", default=dict, blank=True)
    operator = models.CharField("操作人", max_length=80)
    attempts = models.PositiveSmallIntegerField("调用次数", default=0)
    last_error = models.CharField("最近错误", max_length=200, blank=True)
    latency_ms = models.PositiveIntegerField("耗时（毫秒）", null=True, blank=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "共享核验记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "kind", "-created_at"], name="sharing_case_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.get_status_display()}"

    @property
    def kind_label(self) -> str:
        spec = KINDS.get(self.kind)
        return spec.label if spec else self.kind

    @property
    def retries(self) -> int:
        return max(self.attempts - 1, 0)


class CourtOrder(RegionScoped):
    """A seizure or unseizure order delivered electronically by a court; creates one case."""

    class Kind(models.TextChoices):
        SEIZE = "seize", "查封"
        RELEASE = "release", "解封"

    order_no = models.CharField("文书编号", max_length=60, unique=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    court = models.CharField("法院", max_length=100)
    document_number = models.CharField("文号", max_length=100)
    unit_codes = models.JSONField("不动产单元号", default=list)
    payload_enc = models.TextField("原文（密文）")
    case = models.ForeignKey(
        "cases.Case", verbose_name="业务", related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    note = models.CharField("处理说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "法院电子送达文书"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.order_no


class ReceivedNonce(models.Model):
    """Nonces of department requests already accepted; unique, so a replay fails to insert."""

    department = models.CharField("部门", max_length=20)
    nonce = models.CharField("随机数", max_length=64)
    seen_at = models.DateTimeField("接收时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "已接收随机数"
        constraints = [models.UniqueConstraint(fields=["department", "nonce"], name="sharing_nonce_once")]

    def __str__(self) -> str:
        return f"{self.department} {self.nonce[:8]}…"
