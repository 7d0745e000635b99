"""The Picture Desk window (PySide6): a thin layer over :mod:`archive.desk`.

Views show and forward; models fetch pages from the Desk; long work runs in
:mod:`desktop.gui.jobs` on a thread pool and reports through Qt signals.
"""
