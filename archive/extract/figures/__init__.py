"""Pictures of the story: which images are figures, their URL, caption and photo credit, and
the lead picture a reader sees first."""
