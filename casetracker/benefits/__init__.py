"""Benefits an injured employee is owed (工伤保险待遇), computed with their formulas."""
