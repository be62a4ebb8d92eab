"""Events: repetition segmentation, phase timing, peak detection and gait events on 1-D signals."""
