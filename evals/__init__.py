"""Evaluation of the assistant against a hand-written gold set."""
