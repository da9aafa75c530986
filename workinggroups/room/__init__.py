"""Each group's live room: presence, chat kept in the database, history."""
