"""`python -m desktop`: the same entry point as `picturedesk`."""

import multiprocessing

from desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()     # the core's worker pools, in a PyInstaller bundle
    raise SystemExit(main())
