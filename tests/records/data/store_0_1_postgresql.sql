-- The schema motionrehab 0.1 created on postgresql (schema_version 1, before Alembic): the statements its
-- metadata.create_all ran, generated from that release's records/store.py. Frozen: never edit.

CREATE TABLE patients (
	id SERIAL NOT NULL, 
	pseudonym VARCHAR(40) NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (pseudonym)
);

CREATE TABLE schema_version (
	version SERIAL NOT NULL, 
	applied_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	description VARCHAR(200) NOT NULL, 
	PRIMARY KEY (version)
);

CREATE TABLE checkins (
	id SERIAL NOT NULL, 
	patient_id INTEGER NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	pain_nrs INTEGER NOT NULL, 
	tingling BOOLEAN NOT NULL, 
	numbness BOOLEAN NOT NULL, 
	red_flags_positive VARCHAR(400) NOT NULL, 
	red_flag_answers TEXT NOT NULL, 
	flagged_for_clinician BOOLEAN NOT NULL, 
	dose_pct FLOAT NOT NULL, 
	message TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
CREATE INDEX ix_checkins_patient_id ON checkins (patient_id);

CREATE TABLE decisions (
	id SERIAL NOT NULL, 
	patient_id INTEGER NOT NULL, 
	decided_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	week INTEGER NOT NULL, 
	exercise_id VARCHAR(60) NOT NULL, 
	action VARCHAR(20) NOT NULL, 
	dose_before VARCHAR(80) NOT NULL, 
	dose_after VARCHAR(80) NOT NULL, 
	reason TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
CREATE INDEX ix_decisions_patient_id ON decisions (patient_id);

CREATE TABLE prescriptions (
	id SERIAL NOT NULL, 
	patient_id INTEGER NOT NULL, 
	assigned_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	start_date DATE NOT NULL, 
	source VARCHAR(500) NOT NULL, 
	yaml_text TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
CREATE INDEX ix_prescriptions_patient_id ON prescriptions (patient_id);

CREATE TABLE proms (
	id SERIAL NOT NULL, 
	patient_id INTEGER NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	instrument VARCHAR(10) NOT NULL, 
	score FLOAT NOT NULL, 
	items TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
CREATE INDEX ix_proms_patient_id ON proms (patient_id);

CREATE TABLE sessions (
	id SERIAL NOT NULL, 
	patient_id INTEGER NOT NULL, 
	checkin_id INTEGER, 
	started_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	ended_at TIMESTAMP WITHOUT TIME ZONE, 
	status VARCHAR(10) NOT NULL, 
	dose_pct FLOAT NOT NULL, 
	pain_before INTEGER NOT NULL, 
	tingling_before BOOLEAN NOT NULL, 
	pain_after INTEGER, 
	pain_next_morning INTEGER, 
	new_tingling BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id), 
	FOREIGN KEY(checkin_id) REFERENCES checkins (id)
);
CREATE INDEX ix_sessions_patient_id ON sessions (patient_id);

CREATE TABLE exercises_performed (
	id SERIAL NOT NULL, 
	session_id INTEGER NOT NULL, 
	exercise_id VARCHAR(60) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	planned_sets INTEGER NOT NULL, 
	planned_reps INTEGER, 
	planned_hold_s FLOAT, 
	planned_minutes FLOAT, 
	planned_metres FLOAT, 
	note TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (session_id, exercise_id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id)
);
CREATE INDEX ix_exercises_performed_session_id ON exercises_performed (session_id);

CREATE TABLE measurements (
	id SERIAL NOT NULL, 
	patient_id INTEGER NOT NULL, 
	session_id INTEGER, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	value FLOAT NOT NULL, 
	side VARCHAR(10) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id)
);
CREATE INDEX ix_measurements_patient_id ON measurements (patient_id);

CREATE TABLE repetitions (
	id SERIAL NOT NULL, 
	exercise_performed_id INTEGER NOT NULL, 
	set_index INTEGER NOT NULL, 
	rep_index INTEGER NOT NULL, 
	recorded_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	t_start_s FLOAT, 
	t_end_s FLOAT, 
	hold_s FLOAT, 
	within_criteria BOOLEAN, 
	faults VARCHAR(400) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(exercise_performed_id) REFERENCES exercises_performed (id)
);
CREATE INDEX ix_repetitions_exercise_performed_id ON repetitions (exercise_performed_id);

CREATE TABLE walking (
	id SERIAL NOT NULL, 
	exercise_performed_id INTEGER NOT NULL, 
	recorded_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	minutes FLOAT NOT NULL, 
	metres FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(exercise_performed_id) REFERENCES exercises_performed (id)
);
CREATE INDEX ix_walking_exercise_performed_id ON walking (exercise_performed_id);

CREATE TABLE repetition_metrics (
	repetition_id INTEGER NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	value FLOAT NOT NULL, 
	PRIMARY KEY (repetition_id, name), 
	FOREIGN KEY(repetition_id) REFERENCES repetitions (id)
);

INSERT INTO schema_version (version, applied_at, description) VALUES (1, '2026-11-20 10:00:00', 'patients, prescriptions, check-ins, sessions, exercises, repetitions, walking, measurements, PROMs, decisions');
