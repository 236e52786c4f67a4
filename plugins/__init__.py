"""ruadapt's built-in plugins (installed as ``ruadapt_plugins``), one module each.

Each is registered through the ``ruadapt`` entry-point group in pyproject.toml, exactly as a
third party's plugin would be: deleting a module (and its entry point) removes one method.
"""
