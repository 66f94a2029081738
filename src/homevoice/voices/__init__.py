"""Enrolled voices: the library in the data dir, the checks a sample must pass, and the offline
voice match that brings a built-in voice closer to a reference."""

import warnings

with warnings.catch_warnings():
    # pyworld reads its own version through pkg_resources, which warns on every import; once
    # imported here, the modules of this package get it without the noise.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import pyworld  # noqa: F401
