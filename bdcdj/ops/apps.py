import sys

from django.apps import AppConfig

# Long-running commands whose liveness readiness checks (`Heartbeat` rows).
HEARTBEAT_COMMANDS = {"db_worker": "worker", "relay": "relay"}


class OpsConfig(AppConfig):
    name = "bdcdj.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        """A worker or relay process beats from a daemon thread, so `/readyz` can tell a dead
        background process from an idle one without changing those commands."""
        command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else ""
        if command in HEARTBEAT_COMMANDS and "--once" not in sys.argv:
            from bdcdj.ops.services.heartbeat import heartbeat_thread_start

            heartbeat_thread_start(name=HEARTBEAT_COMMANDS[command])
