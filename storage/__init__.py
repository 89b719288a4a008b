"""Durable storage: the records database (clients, turns, intakes, plan versions), its migrations, the audit log."""
