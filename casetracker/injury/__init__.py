"""Work-injury cases (工伤案件): intake from a phone call, then the injury workflow."""
