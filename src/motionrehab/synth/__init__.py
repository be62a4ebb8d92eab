"""Synthetic motion with exactly known truth: pose tracks and inertial recordings from a stick-figure body.

Beside the data flow: only tests, examples, the demo and benchmarks import it.
"""
