"""Records: the session store (SQLite by default), exports (CSV, JSON, FHIR, OpenSim) and the recheck report."""
