"""Channels: each translates one platform's updates to engine events and replies back."""
