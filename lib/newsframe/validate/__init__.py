"""Validation against human coding: one module per thing coded (mentions, frames, roles), sharing
:mod:`newsframe.validate.metrics` (precision/recall/F1, baselines, Cohen's kappa, Krippendorff's alpha)."""
