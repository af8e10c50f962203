"""Named practitioner actions that combine the store with files, media and jobs."""
