"""Fault tests: processes killed mid-work, files vanishing, disks refusing writes. Loopback only."""
