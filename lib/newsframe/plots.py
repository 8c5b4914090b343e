"""Plotly figures for the notebooks and reports. Every function takes tables and returns a ``go.Figure``.

Figures carry their evidence in hover text (sentence ids, matched words) so a reader can trace each mark.
Sections below belong to the pipeline stages; shared helpers come first.
"""
from __future__ import annotations

import plotly.graph_objects as go

# Colour-blind-safe qualitative palette (Okabe & Ito 2008), used across all figures for consistency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SENTIMENT_COLOURS = {"negative": "#D55E00", "neutral": "#999999", "positive": "#0072B2"}


def _layout(fig: go.Figure, *, title: str, height: int | None = None) -> go.Figure:
    """Apply the shared look: white template, title, compact margins."""
    fig.update_layout(template="plotly_white", title=title, margin=dict(l=60, r=30, t=60, b=50),
                      **({"height": height} if height else {}))
    return fig


# --- overview (explore) ----------------------------------------------------------------------------


# --- actors ----------------------------------------------------------------------------------------


# --- sentiment -------------------------------------------------------------------------------------


# --- frames and attribution ------------------------------------------------------------------------
