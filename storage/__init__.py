"""Where state lives: SQL tables, repositories, migrations; the Redis session store."""
