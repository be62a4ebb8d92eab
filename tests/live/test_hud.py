"""The HUD draws where it should and scales with the frame; checked on pixels, not by eye only."""

import numpy as np
import pytest

from motionrehab.live.hud import HudState, draw_hud


def state(**changes) -> HudState:
    fields = dict(
        exercise="Hip hinge", set_index=2, sets_total=3, reps_done=4, reps_target=8, angle_name="trunk inclination",
        angle_deg=52.0, target_low_deg=45.0, target_high_deg=60.0, gauge_max_deg=90.0, eccentric_progress=0.5,
        eccentric_target_s=3.0, cue="Hinge from the hips, keep the knees soft", cue_is_fault=True,
    )
    fields.update(changes)
    return HudState(**fields)


@pytest.mark.parametrize(("height", "width"), [(360, 640), (1920, 1080)])
def test_hud_draws_panel_gauge_and_cue_at_any_size(height, width):
    image = np.full((height, width, 3), 128, dtype=np.uint8)
    draw_hud(image, state())
    top_left = image[: height // 4, : width // 2]
    assert (top_left < 100).mean() > 0.3  # the translucent dark panel
    green = (image[..., 1] > 180) & (image[..., 0] < 120) & (image[..., 2] < 120)
    assert green.sum() > 50  # the target band
    bottom = image[-height // 6 :]
    amber = (bottom[..., 2] > 200) & (bottom[..., 1] > 150) & (bottom[..., 0] < 60)
    assert amber.sum() > 50  # the fault cue in amber
    assert (image[height // 2 :, width // 2 :] == 128).mean() > 0.9  # the person's area stays visible


def test_missing_angle_and_rest_state_draw_without_error():
    image = np.zeros((480, 640, 3), dtype=np.uint8)
    draw_hud(image, state(angle_deg=None, eccentric_progress=None, rest_remaining_s=42.0, cue="", status="paused"))
    assert image.any()
