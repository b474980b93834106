"""Materials (材料): the checklist a case type needs per region, and uploaded attachments."""
