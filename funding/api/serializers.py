"""What the public API shows of a call and a programme.

Text is read through the model attributes (`call.title`, `theme.name`...), never named
columns, so it follows the reader's language wherever the models make it language-aware.
Instants are ISO 8601 with their offset: a deadline in the zone the programme announces it
in (its `time_zone` beside it), the other instants in the portal's zone.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from funding.models import ApplicantType, Call, Deadline, Programme
from members.models import Sector, Theme


def _local_iso(value):
    return timezone.localtime(value).isoformat() if value else None


class ProgrammeSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "acronym", "name", "level", "level_label", "managing_authority", "website"]
        read_only_fields = fields


class ProgrammeBriefSerializer(ProgrammeSerializer):
    class Meta(ProgrammeSerializer.Meta):
        fields = ["id", "acronym", "name", "level", "level_label"]
        read_only_fields = fields


class DeadlineSerializer(serializers.ModelSerializer):
    due_at = serializers.SerializerMethodField(
        help_text="ISO 8601 with the offset of `time_zone`, e.g. 2027-04-17T17:00:00+02:00."
    )
    time_zone = serializers.CharField(help_text="IANA time zone name, e.g. Europe/Brussels.")

    class Meta:
        model = Deadline
        fields = ["due_at", "time_zone", "label"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_due_at(self, deadline):
        return timezone.localtime(deadline.due_at, ZoneInfo(deadline.time_zone)).isoformat()


class ThemeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Theme
        fields = ["slug", "name"]
        read_only_fields = fields


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Sector
        fields = ["code", "name"]
        read_only_fields = fields


class ApplicantTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ApplicantType
        fields = ["code", "name"]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer):
    """A call in a list. Expects `status` and `next_deadline` annotated (`with_status`) and
    programme, deadlines, themes, sectors and applicant types loaded with it."""

    programme = ProgrammeBriefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=Call.Status.choices, read_only=True)
    status_label = serializers.SerializerMethodField()
    opens_at = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    next_deadline = serializers.SerializerMethodField()
    total_budget = serializers.IntegerField(read_only=True, help_text="EUR")
    grant_per_project = serializers.IntegerField(read_only=True, help_text="EUR")
    eligible_countries = serializers.SerializerMethodField(
        help_text="ISO 3166 codes; empty means no restriction by country."
    )
    themes = ThemeSerializer(many=True, read_only=True)
    sectors = SectorSerializer(many=True, read_only=True)
    applicant_types = ApplicantTypeSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text="The call's page on the portal.")
    source = serializers.SerializerMethodField()
    last_checked = serializers.SerializerMethodField()
    published_at = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "identifier",
            "slug",
            "title",
            "summary",
            "programme",
            "status",
            "status_label",
            "opens_at",
            "deadlines",
            "next_deadline",
            "total_budget",
            "grant_per_project",
            "funding_rate",
            "consortium_required",
            "min_partners",
            "eligible_countries",
            "themes",
            "sectors",
            "applicant_types",
            "language",
            "official_url",
            "url",
            "source",
            "last_checked",
            "is_demo",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _deadlines(self, call):
        return sorted(call.deadlines.all(), key=lambda deadline: deadline.due_at)

    def get_status_label(self, call) -> str:
        return str(Call.Status(call.status).label)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_opens_at(self, call):
        return _local_iso(call.opens_at)

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, call):
        return DeadlineSerializer(self._deadlines(call), many=True).data

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_next_deadline(self, call):
        """The first deadline not passed, as the catalogue computes it (`next_deadline`)."""
        if call.next_deadline is None:
            return None
        for deadline in self._deadlines(call):
            if deadline.due_at == call.next_deadline:
                return DeadlineSerializer(deadline).data
        return None

    def get_eligible_countries(self, call) -> list[str]:
        return [country.code for country in call.eligible_countries]

    def get_url(self, call) -> str:
        return self.context["request"].build_absolute_uri(call.get_absolute_url())

    # A demo call claims no real source nor a date it was checked (as on its page).

    def get_source(self, call) -> str | None:
        return None if call.is_demo else call.source or None

    @extend_schema_field(OpenApiTypes.DATE)
    def get_last_checked(self, call):
        if call.is_demo or call.last_checked is None:
            return None
        return call.last_checked.isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_published_at(self, call):
        return _local_iso(call.published_at)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, call):
        return _local_iso(call.updated_at)


class CallDetailSerializer(CallSerializer):
    """A call on its own: the list's fields and the description."""

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields[:4], "description", *CallSerializer.Meta.fields[4:]]
        read_only_fields = fields
