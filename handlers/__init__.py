"""What the bot says and does, per feature; platform-neutral: events in, replies out."""
