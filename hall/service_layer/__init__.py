"""Use cases: what visitors, clerks, supervisors and devices can do in the hall."""
