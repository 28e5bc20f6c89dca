"""What the text model keeps: each proposal's weighted terms (the inverted index the
similar-proposal search reads), the corpus's document frequencies, the learnt profiles of
units and categories, the merge suggestions staff dismissed, and the unit suggestions made
at assignment (to measure how often staff took them). ``proposals.text`` writes them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from proposals.models.proposals import USER, Proposal

TERM_LENGTH = 24


class ProposalTerm(models.Model):
    """One of a proposal's strongest terms with its tf-idf weight (the vector is unit length).

    ``session`` repeats the proposal's so that a search over three sessions reads only the
    index (term, session) → (proposal, weight)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="terms")
    session = models.ForeignKey("committees.Session", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=TERM_LENGTH)
    weight = models.FloatField()

    class Meta:
        indexes = [
            models.Index(
                fields=["term", "session"],
                include=["proposal", "weight"],
                name="proposalterm_term_session",
            ),
            models.Index(fields=["proposal"], name="proposalterm_proposal"),
        ]

    def __str__(self) -> str:
        return f"{self.term}:{self.weight:.3f}"


class TermWeight(models.Model):
    """How many proposals held a term at the last training (the idf's df); the row with
    the empty term holds the number of proposals."""

    DOCUMENTS = ""

    term = models.CharField(max_length=TERM_LENGTH, primary_key=True, blank=True)
    documents = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.term or '∑'}={self.documents}"


class Profile(models.TextChoices):
    UNIT = "unit", _("承办单位")
    CATEGORY = "category", _("类别")


class ProfileTerm(models.Model):
    """A term of a unit's or a category's learnt profile in one committee: the centroid of
    the proposals it handled (a linear model over the proposals' terms)."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Profile.choices)
    key = models.CharField(max_length=20)  # the unit's id or the category's code
    term = models.CharField(max_length=TERM_LENGTH)
    weight = models.FloatField()

    class Meta:
        indexes = [
            models.Index(
                fields=["committee", "kind", "term"],
                include=["key", "weight"],
                name="profileterm_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}:{self.term}"


class MergeDismissal(models.Model):
    """Staff judged two proposals not to be one: the merge queue stops pairing them."""

    first = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("不予并案的建议")
        verbose_name_plural = _("不予并案的建议")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="mergedismissal_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="mergedismissal_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}≠{self.second_id}"


class UnitSuggestion(models.Model):
    """The units suggested when a proposal was assigned, and the lead unit staff chose."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    suggested = models.JSONField(default=list)  # unit ids, best first
    chosen = models.ForeignKey(
        "committees.HandlingUnit", on_delete=models.PROTECT, related_name="+", null=True
    )
    taken = models.BooleanField(default=False)  # the chosen lead unit was one of the three
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("承办单位建议")
        verbose_name_plural = _("承办单位建议")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.suggested} → {self.chosen_id}"
