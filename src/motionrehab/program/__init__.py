"""Program: the clinician's prescription, progression rules, adherence scoring, safety check-ins, PROMs.

- prescription: the YAML format (docs/program.md) parsed into frozen, validated objects.
- safety: the pre-session check-in and red-flag screen (SafetyStop on any red flag).
- sessions: what was done (SessionLog, ExerciseDone, Measurement), as the store returns it.
- progression: the weekly progress / hold / step-back rules, phase changes, today's plan.
- adherence: dose, frequency, quality, pacing and the composite 0-100 (formula in its docstring).
- proms: NRS, ODI, LEFS, PSFS scoring and MCID verdicts.
"""
