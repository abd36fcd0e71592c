from django.contrib import admin

from ipassist.catalogue.models import Programme, ProgrammeVersion


class VersionInline(admin.StackedInline):
    model = ProgrammeVersion
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """For administrators; officers work in the catalogue pages, which write the audit log."""

    list_display = ["slug", "provider", "status", "original_language", "updated_at"]
    list_filter = ["status", "provider"]
    search_fields = ["slug", "versions__title"]
    filter_horizontal = ["audiences", "topics", "activity_types"]
    readonly_fields = ["revision", "created_at", "updated_at", "published_at", "created_by"]
    inlines = [VersionInline]
