"""Harnesses that drive the service and the emulator together: chaos (collaborators editing mid-run, 429s,
a second service process) and crash (a run killed at any point), each with an oracle.

Dependency direction: ``harness`` imports the product (service, store) and the emulator; the emulator
imports nothing from the product, and the product nothing from the emulator (only the CLI's ``emulator``
command starts it).
"""
