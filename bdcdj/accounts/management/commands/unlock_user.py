from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.accounts.models import User
from bdcdj.accounts.services import user_unlock


class Command(BaseCommand):
    help = "解除账号的登录锁定（管理员无法登录管理后台时使用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError("账号不存在")
        user_unlock(user=user, by=None)
        self.stdout.write(self.style.SUCCESS("已解除锁定"))
