"""The real ``tillsync`` entry point, run as a subprocess against loopback sandboxes."""
