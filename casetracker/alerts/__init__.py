"""Deadline alerts: levels raised from the clocks, delivered exactly once per recipient and
channel (inbox, email, the team's group robot), and the supervisor's acknowledgement."""
