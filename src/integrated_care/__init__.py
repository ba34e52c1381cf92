"""integrated-care: run an English NHS Integrated Care System (ICS).

Structure, governance, money and population health for one ICS, reachable from the
``ics`` CLI, this Python API, a REST API and a web UI.
"""

__version__ = "0.1.0"
