"""Tests of the sandbox servers themselves (they must honour the vendor contracts)."""
