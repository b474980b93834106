"""casetracker: the desk of the social-insurance client-service specialist (客户维护部专员)."""
