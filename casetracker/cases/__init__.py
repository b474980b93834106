"""Cases (案件): the generic record every duty moves through, its timeline and its clocks."""
