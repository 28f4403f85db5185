"""The transparency log: entries (queued, then sequenced), complete-subtree hashes, the tree
state and the signed tree heads. Rows are written only by `ledger.services`."""

from django.db import models


class EntryKind(models.TextChoices):
    REGISTER_EVENT = "register_event", "登簿事件"
    CERTIFICATE = "certificate", "电子证照"


class Entry(models.Model):
    """One log entry. Queued in the transaction that creates its source (index null), then
    given its position by the sequencer. `entry` is the canonical JSON that is hashed:
    leaf_hash = SM3(0x00 ‖ entry). It holds digests only, never personal data."""

    index = models.PositiveBigIntegerField("序号", null=True, blank=True, unique=True)
    kind = models.CharField("种类", max_length=16, choices=EntryKind.choices)
    region_code = models.CharField("行政区划代码", max_length=6)
    source_id = models.PositiveBigIntegerField("来源记录")
    reference = models.CharField("引用", max_length=64)
    entry = models.TextField("条目（规范 JSON）")
    leaf_hash = models.CharField("叶子哈希（SM3）", max_length=64, db_index=True)
    document_sm3 = models.CharField("文件 SM3", max_length=64, blank=True, db_index=True)
    queued_at = models.DateTimeField("入队时间")
    appended_at = models.DateTimeField("上链时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "日志条目"
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["kind", "source_id"], name="ledger_unique_source")]
        indexes = [
            models.Index(fields=["kind", "reference"], name="ledger_entry_reference"),
            models.Index(fields=["kind", "region_code"], name="ledger_entry_region"),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.get_kind_display()} {self.reference}"


class Node(models.Model):
    """The hash of one complete subtree: `key` = level << 48 | position, so any proof reads
    its O(log n) nodes with one `key IN (…)` query on the primary key."""

    key = models.BigIntegerField("键", primary_key=True)
    hash = models.CharField("哈希（SM3）", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "子树哈希"

    def __str__(self) -> str:
        return f"L{self.level}#{self.position}"

    @property
    def level(self) -> int:
        return self.key >> 48

    @property
    def position(self) -> int:
        return self.key & ((1 << 48) - 1)


class TreeState(models.Model):
    """The single row holding the current size and root; the sequencer locks it."""

    size = models.PositiveBigIntegerField("大小", default=0)
    root_hash = models.CharField("根哈希", max_length=64, blank=True)
    updated_at = models.DateTimeField("更新时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "树状态"

    def __str__(self) -> str:
        return f"{self.size}: {self.root_hash[:12]}"


class TreeHead(models.Model):
    """A signed tree head (STH) as published; see verifier.tree_head_bytes for what is signed."""

    log_id = models.CharField("日志标识", max_length=64)
    tree_size = models.PositiveBigIntegerField("树大小", db_index=True)
    timestamp_ms = models.PositiveBigIntegerField("时间戳（毫秒）")
    root_hash = models.CharField("根哈希", max_length=64)
    signature = models.CharField("SM2 签名", max_length=128)
    public_key = models.CharField("公钥", max_length=130)
    published_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = verbose_name_plural = "签名树头"
        ordering = ["-tree_size", "-timestamp_ms"]

    def __str__(self) -> str:
        return f"STH {self.tree_size} @ {self.timestamp_ms}"
