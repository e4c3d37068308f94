"""The weights shipped with digitpad, installed as package data (read with importlib.resources)."""
