"""The pure pipeline: DataFrames in, DataFrames out; no I/O, no clock, no environment."""
