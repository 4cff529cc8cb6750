"""The risk register: risks and their mitigation, the reasons, what the data suggests, the escalation view."""
