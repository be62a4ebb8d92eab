"""The camera-guided home session: capture -> measures -> program -> records, frame by frame, with an overlay."""
