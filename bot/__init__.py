"""How messages get in and out, and when things happen: config, engine, channels, CLI."""
