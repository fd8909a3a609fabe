"""Rules that misbehave on purpose (see README.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from medmassage import BodyRegion, Finding, Severity
from medmassage.contraindications import ScreeningContext, Triggers


@attrs.frozen(kw_only=True)
class _Hostile:
    id: str
    title: str = "A hostile rule"
    severity: Severity = Severity.RELATIVE
    modalities: frozenset[str] = frozenset()
    regions: frozenset[BodyRegion] = frozenset()
    source: str = "examples/plugins/medmassage-hostile"
    api_version: int = 1
    triggers: Triggers | None = None


@attrs.frozen(kw_only=True)
class ExitZero(_Hostile):
    """Asks the interpreter to exit with status 0 mid-screening."""

    def evaluate(self, context: ScreeningContext) -> Iterable[Finding]:
        raise SystemExit(0)


@attrs.frozen(kw_only=True)
class RaisesGeneratorExit(_Hostile):
    """A generator that raises GeneratorExit while it is iterated."""

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        raise GeneratorExit
        yield  # a generator


@attrs.frozen(kw_only=True)
class RewritesContext(_Hostile):
    """Hides every condition from the rules after it, and from the caller."""

    def evaluate(self, context: ScreeningContext) -> Iterable[Finding]:
        object.__setattr__(context, "conditions", ())
        object.__setattr__(context, "icd10cm", ())
        object.__setattr__(context.patient, "conditions", ())
        return ()


EXIT_ZERO = ExitZero(id="hostile.exit_zero")
GENERATOR_EXIT = RaisesGeneratorExit(id="hostile.generator_exit")
REWRITES_CONTEXT = RewritesContext(id="hostile.rewrites_context")
