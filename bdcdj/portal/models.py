"""Tables of the citizen portal: accounts (separate from staff users), SMS codes and their
development outbox, appointments, online applications with their e-signature, ratings.

Personal data is stored only SM4-encrypted, with a keyed digest for lookup and a masked form
for display (`accounts.pii`). SMS codes are stored only as keyed digests.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bdcdj.core.models import RegionScoped


class Citizen(models.Model):
    """A real-name portal account. Not a staff `accounts.User`: it has its own session key and
    cannot reach any console page. Identity (name, ID number) is set once the department check
    of `citizen_verify` succeeds; the SM2 key pair for e-signatures is made at that moment."""

    phone_enc = models.TextField("手机号（密文）")
    phone_index = models.CharField("手机号索引", max_length=64, unique=True)
    phone_masked = models.CharField("手机号（脱敏）", max_length=20)
    name_enc = models.TextField("姓名（密文）", blank=True)
    name_masked = models.CharField("姓名（脱敏）", max_length=60, blank=True)
    id_number_enc = models.TextField("证件号（密文）", blank=True)
    id_masked = models.CharField("证件号（脱敏）", max_length=50, blank=True)
    # Blank until verified; unique among verified accounts (one account per person).
    id_index = models.CharField("证件号索引", max_length=64, blank=True, db_index=True)
    verified_at = models.DateTimeField("实名核验时间", null=True, blank=True)
    face_checked_at = models.DateTimeField("人脸核验时间", null=True, blank=True)
    sign_public_key = models.CharField("签名公钥", max_length=130, blank=True)
    sign_private_enc = models.TextField("签名私钥（密文）", blank=True)
    home_region = models.CharField("常用办理地", max_length=6, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "网上办事用户"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["id_index"], condition=~Q(id_index=""), name="uniq_citizen_id")
        ]

    def __str__(self) -> str:
        return self.name_masked or self.phone_masked

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class SmsPurpose(models.TextChoices):
    REGISTER = "register", "注册"
    LOGIN = "login", "登录"


class SmsCode(models.Model):
    """One code sent to a phone: only its keyed digest is kept; it expires, allows a few
    attempts and is used once. Rows also serve the per-phone and per-address send limits."""

    phone_index = models.CharField("手机号索引", max_length=64, db_index=True)
    purpose = models.CharField("用途", max_length=10, choices=SmsPurpose.choices)
    code_digest = models.CharField("验证码摘要", max_length=64)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("发送时间", db_index=True)
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信验证码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"


class SmsOutbox(models.Model):
    """What the development SMS sender "sends": staff read it on the 短信发件箱 page. A real
    gateway sender replaces it through `BDCDJ_PORTAL_SMS_SENDER`."""

    phone_index = models.CharField("手机号索引", max_length=64, db_index=True)
    phone_masked = models.CharField("手机号（脱敏）", max_length=20)
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信发件箱（开发）"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.created_at:%Y-%m-%d %H:%M}"


class LoginGuard(models.Model):
    """Wrong-code counter per phone (known or not), so guessing codes locks the phone."""

    phone_index = models.CharField("手机号索引", max_length=64, unique=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "验证码失败计数"

    def __str__(self) -> str:
        return self.phone_index[:16]


class Office(RegionScoped):
    """办事大厅 of a district. Slots are generated per working day from `slot_times`, each with
    capacity = active windows × `per_window`."""

    name = models.CharField("名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=30, blank=True)
    slot_times = models.JSONField("时段", default=list)  # ["09:00-10:00", ...]
    per_window = models.PositiveSmallIntegerField("每窗口每时段可约人数", default=2)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "办事大厅"
        ordering = ["region_code", "id"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    office = models.ForeignKey(
        Office, verbose_name="办事大厅", related_name="windows", on_delete=models.CASCADE
    )
    name = models.CharField("窗口", max_length=50)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        ordering = ["office_id", "id"]

    def __str__(self) -> str:
        return self.name


class Slot(RegionScoped):
    """A bookable time slot; `booked` only grows by a conditional UPDATE (never past capacity)."""

    office = models.ForeignKey(
        Office, verbose_name="办事大厅", related_name="slots", on_delete=models.CASCADE
    )
    day = models.DateField("日期", db_index=True)
    start = models.TimeField("开始")
    end = models.TimeField("结束")
    capacity = models.PositiveSmallIntegerField("容量")
    booked = models.PositiveSmallIntegerField("已预约", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "预约时段"
        ordering = ["day", "start"]
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "start"], name="uniq_slot"),
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.booked)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CANCELLED = "cancelled", "已取消"
    ATTENDED = "attended", "已到场"
    NO_SHOW = "no_show", "未到场（爽约）"


class Appointment(RegionScoped):
    citizen = models.ForeignKey(
        Citizen, verbose_name="预约人", related_name="appointments", on_delete=models.PROTECT
    )
    slot = models.ForeignKey(Slot, verbose_name="时段", related_name="appointments", on_delete=models.PROTECT)
    business_type = models.CharField("办理事项", max_length=40, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    created_at = models.DateTimeField("预约时间", auto_now_add=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    marked_at = models.DateTimeField("签到登记时间", null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    # Service at a window: 到场 (marked_at) → 叫号 (called_at, window) → 办结 (served_at).
    window = models.ForeignKey(
        Window,
        verbose_name="办理窗口",
        null=True,
        blank=True,
        related_name="appointments",
        on_delete=models.PROTECT,
    )
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)
    served_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = verbose_name_plural = "预约"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "slot"], condition=Q(status="booked"), name="uniq_active_booking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slot} {self.get_status_display()}"


class Application(RegionScoped):
    """An application made on the portal: the case it created and the applicant's SM2
    signature over the application PDF (stored as the case's 申请书 material)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name="业务", related_name="portal_application", on_delete=models.PROTECT
    )
    citizen = models.ForeignKey(
        Citizen, verbose_name="申请人", related_name="applications", on_delete=models.PROTECT
    )
    business_type = models.CharField("业务类型", max_length=40)
    material = models.ForeignKey(
        "cases.Material", verbose_name="申请书", null=True, related_name="+", on_delete=models.PROTECT
    )
    pdf_sm3 = models.CharField("申请书SM3", max_length=64)
    signature = models.CharField("SM2签名", max_length=128)
    public_key = models.CharField("签名公钥", max_length=130)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "网上申请"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.business_type} {self.submitted_at:%Y-%m-%d}"


class RatingChannel(models.TextChoices):
    PORTAL = "portal", "网上办件"
    KIOSK = "kiosk", "自助终端"


class Rating(RegionScoped):
    """好差评: of one finished online case (given once by its applicant), or given on a kiosk
    after service in a hall — then attributed to the office and window that served the person
    (their appointment served that day) or, failing that, to the kiosk's own office/window."""

    case = models.OneToOneField(
        "cases.Case",
        verbose_name="业务",
        null=True,
        blank=True,
        related_name="portal_rating",
        on_delete=models.PROTECT,
    )
    citizen = models.ForeignKey(
        Citizen,
        verbose_name="评价人",
        null=True,
        blank=True,
        related_name="ratings",
        on_delete=models.PROTECT,
    )
    business_type = models.CharField("业务类型", max_length=40, blank=True, db_index=True)
    score = models.PositiveSmallIntegerField("评分")
    comment = models.CharField("评价内容", max_length=500, blank=True)
    created_at = models.DateTimeField("评价时间", db_index=True)
    channel = models.CharField(
        "渠道", max_length=10, choices=RatingChannel.choices, default=RatingChannel.PORTAL
    )
    office = models.ForeignKey(
        Office,
        verbose_name="办事大厅",
        null=True,
        blank=True,
        related_name="ratings",
        on_delete=models.PROTECT,
    )
    window = models.ForeignKey(
        Window, verbose_name="窗口", null=True, blank=True, related_name="ratings", on_delete=models.PROTECT
    )
    appointment = models.OneToOneField(
        Appointment,
        verbose_name="预约",
        null=True,
        blank=True,
        related_name="rating",
        on_delete=models.PROTECT,
    )
    device = models.ForeignKey(
        "KioskDevice",
        verbose_name="自助终端",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = verbose_name_plural = "好差评"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_5")
        ]

    def __str__(self) -> str:
        return f"{self.score}分"


class KioskDevice(RegionScoped):
    """A registered self-service terminal (24小时自助终端) in an office, optionally at a window.
    Only a terminal presenting its id and secret may open kiosk mode; the secret is kept as a
    keyed digest and shown once when registered."""

    office = models.ForeignKey(
        Office, verbose_name="办事大厅", related_name="kiosks", on_delete=models.PROTECT
    )
    window = models.ForeignKey(
        Window,
        verbose_name="所在窗口",
        null=True,
        blank=True,
        related_name="kiosks",
        on_delete=models.SET_NULL,
    )
    device_id = models.CharField("终端编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    secret_digest = models.CharField("密钥摘要", max_length=64)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    last_seen_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自助终端"
        ordering = ["region_code", "device_id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.device_id}）"


class CollectionCode(RegionScoped):
    """领证码 of a case whose certificates are ready: only a keyed digest is stored; it expires
    and is used once (the kiosk records the 发证)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name="业务", related_name="portal_collection_codes", on_delete=models.PROTECT
    )
    citizen = models.ForeignKey(Citizen, verbose_name="申请人", related_name="+", on_delete=models.PROTECT)
    code_digest = models.CharField("领证码摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("生成时间")
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("领取时间", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)
    device = models.ForeignKey(
        KioskDevice,
        verbose_name="领取终端",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = verbose_name_plural = "领证码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d}"
