"""工伤医疗费报销: the invoices of an injury, from receipt to the originals returned."""
