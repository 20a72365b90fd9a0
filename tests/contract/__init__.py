"""Contract validators: check recorded HTTP exchanges against vendor API documents."""
