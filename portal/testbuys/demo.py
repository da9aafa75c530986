"""Demo test purchases."""
