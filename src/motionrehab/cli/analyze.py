"""`motionrehab analyze EXERCISE INPUT`: a command per exercise.

The hinge and gait have their own modules; every exercise of the library
(measures.exercises) shares one command (cli.analyze_exercise).
"""

from __future__ import annotations

import click

from motionrehab.cli.lazy import LazyGroup

#: the exercise library's command names (listed here so `--help` imports no library code);
#: tests/cli check that it matches motionrehab.measures.exercises.EXERCISES
LIBRARY_EXERCISES = (
    "bridge", "squat", "sit-to-stand", "chair-stand", "plank", "side-plank",
    "neural-glide", "hamstring-stretch", "lumbar-extension", "thoracic-rotation", "posture",
)  # fmt: skip


class AnalyzeGroup(LazyGroup):
    """Lazy commands plus one generic command per exercise of the library."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The hinge, gait and every library exercise."""
        return sorted(set(super().list_commands(ctx)) | set(LIBRARY_EXERCISES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The library's command for an exercise name, else the lazy command."""
        if cmd_name in LIBRARY_EXERCISES:
            from motionrehab.cli.analyze_exercise import make_command

            return make_command(cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=AnalyzeGroup,
    lazy_commands={
        "hip-hinge": "motionrehab.cli.analyze_hip_hinge:hip_hinge",
        "gait": "motionrehab.cli.analyze_gait:gait",
    },
)
def analyze() -> None:
    """Analyse an exercise from a video, a camera, a pose-track CSV or a sensor recording."""
