"""The Qt desktop app. May import nnviz.core; the core never imports this package."""
