"""Contact log (联系记录) on every case: who was reached, how, what was said, when to follow up."""
