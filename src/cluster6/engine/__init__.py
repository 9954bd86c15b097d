"""The framework-free analysis core (numpy/polars, typed). It never imports Django or another app."""

ENGINE_VERSION = "0.0.1"
