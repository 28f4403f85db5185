"""Payment orders of a case's fees and the provider callbacks received for them."""

from django.db import models

from bdcdj.core.models import RegionScoped


class OrderStatus(models.TextChoices):
    CREATED = "created", "已创建"
    PAYING = "paying", "支付中"
    PAID = "paid", "已支付"
    FAILED = "failed", "支付失败"
    REFUNDED = "refunded", "已退款"


OPEN_STATUSES = frozenset({OrderStatus.CREATED, OrderStatus.PAYING})


class PaymentOrder(RegionScoped):
    """One attempt to pay the case's fees. The amount is fixed at creation from the Fee rows;
    a callback or query reporting another amount is refused."""

    number = models.CharField("订单号", max_length=32, unique=True)
    case = models.ForeignKey("cases.Case", verbose_name="业务", related_name="+", on_delete=models.PROTECT)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    status = models.CharField("状态", max_length=10, choices=OrderStatus.choices, default=OrderStatus.CREATED)
    provider = models.CharField("支付渠道", max_length=20)
    trade_number = models.CharField("渠道交易号", max_length=64, blank=True)
    pay_url = models.URLField("支付地址", max_length=500, blank=True)
    payer = models.CharField("缴费人", max_length=100, blank=True)  # masked or an institution's name
    receipt_number = models.CharField("电子票据号", max_length=32, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    failure = models.CharField("失败原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "缴费订单"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "status"], name="payment_case_status")]

    def __str__(self) -> str:
        return self.number


class PaymentNotice(models.Model):
    """A callback as received (accepted or refused); its nonce is unique, so a replay is refused."""

    order = models.ForeignKey(
        PaymentOrder,
        verbose_name="订单",
        null=True,
        blank=True,
        related_name="notices",
        on_delete=models.PROTECT,
    )
    nonce = models.CharField("随机数", max_length=64, unique=True)
    sent_at = models.DateTimeField("签名时间")
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    outcome = models.CharField("处理结果", max_length=20)
    detail = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "支付回调"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.nonce[:12]} {self.outcome}"
