"""我的工作台: the signed-in specialist's desk. Later capabilities add their open cases here."""
