"""Program: the clinician's prescription, progression rules, adherence scoring, safety check-ins, PROMs."""
