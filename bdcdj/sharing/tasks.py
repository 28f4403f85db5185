"""Background retry of checks left pending by a department outage (run by `manage.py db_worker`)."""

from django_tasks import task

from bdcdj.sharing.services import check_retry


@task()
def sharing_check_retry(check_id: int) -> str:
    """Try a pending check again; a still-failing call schedules the next try with backoff."""
    return check_retry(check_id=check_id).status
