"""What each audit action code means, in words the reader's language has.

The codes (`tip.review`, `webhook.create`) are the log's own vocabulary: the API and the
CSV give them as they are, and the page's action filter matches them by prefix. People
reading the page in Chinese cannot read a code, so the page shows the label beside it.

Every package's codes are listed here, in one table, rather than beside the code that
records them: the audit log is read as one list, and its labels should read as one list
too. A code no one has labelled yet is shown as it is (see `action_label`); the tests
check that every code the code base can record has a label.
"""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    # Signing in and sessions (portal.auth, portal.accounts)
    "auth.login": _l("Sign-in succeeded"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.login_throttled": _l("Sign-in refused: too many failures"),
    "passkey.add": _l("Passkey added"),
    "passkey.remove": _l("Passkey removed"),
    "passkey.used": _l("Signed in with a passkey"),
    "two_factor.begin": _l("Two-factor setup started"),
    "two_factor.enable": _l("Two-factor sign-in turned on"),
    "two_factor.failed": _l("Wrong second-factor code"),
    "two_factor.recovery_code": _l("Signed in with a recovery code"),
    "two_factor.remove": _l("Two-factor sign-in turned off"),
    "two_factor.reset": _l("Second factor reset by an admin"),
    "two_factor.throttled": _l("Second-factor codes refused: too many wrong ones"),
    # session.end.<reason>: one session ended (portal.auth.sessions.end_session)
    "session.end.sign_out": _l("Signed out"),
    "session.end.signed_out_elsewhere": _l("Another session signed out"),
    "session.end.remember_reuse": _l("Session ended: a remember-me cookie was used twice"),
    # session.end_all.<reason>: every session of a person ended (end_all)
    "session.end_all.sign_out": _l("Signed out everywhere"),
    "session.end_all.signed_out_everywhere": _l("Every session signed out from the profile"),
    "session.end_all.deactivated": _l("All sessions ended: account deactivated"),
    "session.end_all.password_change": _l("All sessions ended: password changed"),
    "session.end_all.password_reset": _l("All sessions ended: password reset"),
    "session.end_all.password_invite": _l("All sessions ended: password set from an invitation"),
    "session.end_all.two_factor_reset": _l("All sessions ended: second factor reset"),
    # People, organisations and chairs (portal.accounts)
    "user.create": _l("Account created"),
    "user.activate": _l("Account reactivated"),
    "user.deactivate": _l("Account deactivated"),
    "user.profile": _l("Profile updated"),
    "user.calendar_token": _l("Calendar link regenerated"),
    "user.timezone_guessed": _l("Time zone guessed"),
    # user.password_<reason>: set_password's reason
    "user.password_change": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
    "user.password_invite": _l("Password set from an invitation"),
    "token.issue": _l("API token issued"),
    "token.revoke": _l("API token revoked"),
    "organisation.create": _l("Organisation created"),
    "organisation.update": _l("Organisation updated"),
    "chair.appoint": _l("Chair appointed"),
    "chair.end": _l("Chair's term ended"),
    # Webhooks (portal.webhooks)
    "webhook.create": _l("Webhook registered"),
    "webhook.delete": _l("Webhook deleted"),
    "webhook.enable": _l("Webhook switched on"),
    "webhook.disable": _l("Webhook switched off"),
    "webhook.redeliver": _l("Webhook delivery sent again"),
    "webhook.allow_private": _l("Webhook's private addresses changed"),
    # Working groups (workinggroups)
    "group.notifications": _l("Group notifications set"),
    "membership.request": _l("Asked to join a group"),
    "membership.approve": _l("Membership approved"),
    "membership.decline": _l("Membership declined"),
    "membership.withdraw": _l("Request to join withdrawn"),
    "membership.leave": _l("Left a group"),
    "membership.remove": _l("Removed from a group"),
    "meeting.schedule": _l("Meeting scheduled"),
    "meeting.reschedule": _l("Meeting changed"),
    "meeting.cancel": _l("Meeting cancelled"),
    "meeting.attendance": _l("Meeting attendance recorded"),
    "meeting.minutes": _l("Meeting minutes recorded"),
    "thread.start": _l("Discussion started"),
    "post.edit": _l("Post edited"),
    "document.upload": _l("Document uploaded"),
    "document.version": _l("Document version added"),
    # Recommendations (advisory); recommendation.<action> follows its lifecycle
    "recommendation.create": _l("Recommendation drafted"),
    "recommendation.edit": _l("Recommendation edited"),
    "recommendation.submit": _l("Recommendation submitted"),
    "recommendation.withdraw": _l("Recommendation withdrawn"),
    "recommendation.comment": _l("Recommendation commented on"),
    "recommendation.cosign": _l("Recommendation co-signed"),
    "recommendation.vote": _l("Vote cast on a recommendation"),
    "recommendation.votes_reset": _l("Earlier votes set aside"),
    "recommendation.endorse": _l("Recommendation endorsed"),
    "recommendation.return": _l("Recommendation returned"),
    "recommendation.decline": _l("Recommendation declined"),
    "recommendation.respond": _l("Recommendation answered"),
    "recommendation.add_milestone": _l("Milestone added"),
    "recommendation.report_progress": _l("Progress reported"),
    "recommendation.complete": _l("Recommendation implemented"),
    "recommendation.close": _l("Recommendation closed"),
    "recommendation.link": _l("Recommendation linked"),
    "recommendation.remind": _l("Chairs reminded"),
    # Tips (queqiao.tips); tip.<action> for sharing changes
    "tip.create": _l("Tip submitted"),
    "tip.import": _l("Tips imported"),
    "tip.edit": _l("Tip edited"),
    "tip.attach": _l("Evidence added to a tip"),
    "tip.comment": _l("Tip commented on"),
    "tip.review": _l("Tip vetted"),
    "tip.resubmit": _l("Tip resubmitted"),
    "tip.withdraw": _l("Tip withdrawn"),
    "tip.sharing_widened": _l("Tip sharing widened"),
    "tip.sharing_narrowed": _l("Tip sharing narrowed"),
    # Rules, scans, hits and the corpus (queqiao.rules, queqiao.scanning, queqiao.listings)
    "rule.create": _l("Rule created"),
    "rule.edit": _l("Rule edited"),
    "rule.activate": _l("Rule made live"),
    "rule.return_to_shadow": _l("Rule returned to shadow mode"),
    "rule.retire": _l("Rule retired"),
    "scan.run": _l("Listings scanned"),
    "feed.upload": _l("Feed uploaded"),
    "feed.scan": _l("Feed scanned"),
    "hit.taken_down": _l("Hit marked taken down"),
    "hit.false_positive": _l("Hit marked a false positive"),
    "corpus.add": _l("Listing added to the corpus"),
    "corpus.remove": _l("Listing removed from the corpus"),
    "corpus.upload": _l("Listings uploaded to the corpus"),
    # Test purchases (testbuys)
    "test_purchase.propose": _l("Test purchase proposed"),
    "test_purchase.join": _l("Joined a test purchase"),
    "test_purchase.request_join": _l("Asked to join a test purchase"),
    "test_purchase.approve_join": _l("Request to join a test purchase approved"),
    "test_purchase.decline_join": _l("Request to join a test purchase declined"),
    "test_purchase.leave": _l("Left a test purchase"),
    "test_purchase.schedule": _l("Test purchase scheduled"),
    "test_purchase.order": _l("Test purchase ordered"),
    "test_purchase.receive": _l("Test purchase received"),
    "test_purchase.authenticate": _l("Test purchase authenticated"),
    "test_purchase.evidence": _l("Evidence added to a test purchase"),
    "test_purchase.outcome": _l("Test purchase outcome recorded"),
    "test_purchase.settlement": _l("Test purchase costs settled"),
    "test_purchase.close": _l("Test purchase closed"),
    "test_purchase.cancel": _l("Test purchase cancelled"),
    # Annual reports (reports)
    "report.edition.save": _l("Annual report draft saved"),
    "report.edition.publish": _l("Annual report published"),
}


def action_label(code: str):
    """The label of an action code in the reader's language; the code itself when it has
    none (an action recorded by a newer release, or one no one has labelled yet)."""
    return ACTION_LABELS.get(code, code)


def is_labelled(code: str) -> bool:
    """Whether the code has a label of its own (the page then shows both)."""
    return code in ACTION_LABELS
