"""The command line: ``actlab train`` and its options (main) and ``actlab --self-test`` (selftest)."""
