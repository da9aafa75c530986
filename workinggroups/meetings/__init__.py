"""Meetings of a working group: schedule, agenda, RSVP, attendance, minutes, calendar feeds."""
