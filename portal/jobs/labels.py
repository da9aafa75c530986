"""What each job does, in words the reader's language has.

Job names (`send-mail`, `feed-chunk`) are the queue's own identifiers: the worker's logs,
JOBS_SCHEDULES and `flask jobs` use them, so the jobs page keeps showing them; the label
beside them is for the staff who read the page in their own language. The jobs of every
package are listed here, in one table, as the jobs page lists them together; the tests
check that every job the queue knows has a label.
"""

from flask_babel import lazy_gettext as _l

JOB_LABELS = {
    # portal
    "send-mail": _l("Send an email"),
    "deliver-webhook": _l("Deliver a webhook event"),
    "retry-webhooks": _l("Queue the webhook deliveries that are due"),
    "prune-jobs": _l("Clear out old jobs"),
    # workinggroups
    "send-digests": _l("Send the daily digests"),
    "flag-overdue-minutes": _l("Flag meetings still without minutes"),
    # advisory
    "remind-board": _l("Remind the board to vote"),
    # queqiao
    "feed-split": _l("Split a feed into chunks"),
    "feed-chunk": _l("Scan one chunk of a feed"),
    "feed-watch": _l("Watch over a feed being scanned"),
    "sweep-feeds": _l("Rescue the chunks of unfinished feeds"),
    # testbuys
    "remind-test-purchases": _l("Send test purchase reminders"),
    "custody-checkpoint": _l("Anchor the custody chains"),
}


def job_label(name: str):
    """The label of a job in the reader's language; the name itself when it has none."""
    return JOB_LABELS.get(name, name)


def is_labelled(name: str) -> bool:
    """Whether the job has a label of its own (the page then shows both)."""
    return name in JOB_LABELS
