"""Offline evaluation: metrics, dataset adapters, reports."""
