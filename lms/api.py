"""The lms app's public face: cms imports from here."""
