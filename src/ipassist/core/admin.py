from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ipassist.core.models import (
    ActivityType,
    AudienceType,
    AuditEntry,
    Country,
    Membership,
    Organisation,
    Person,
    ProfessionalBackground,
    Region,
    RegionGrouping,
    Topic,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "acronym_en", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_en", "name_fr", "name_es", "name_ar", "acronym_en", "slug"]
    autocomplete_fields = ["country", "parent"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "region", "subregion", "intermediate_region"]
    list_filter = ["region", "subregion"]
    search_fields = ["code", "alpha3", "name_en", "name_fr", "name_es", "name_ar"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_en"]


@admin.register(RegionGrouping)
class RegionGroupingAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "owner"]
    filter_horizontal = ["countries"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "organisation", "country"]
    search_fields = ["family_name", "given_name", "email"]
    autocomplete_fields = ["organisation", "country", "user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    autocomplete_fields = ["user", "organisation"]


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "label_fr", "label_es", "label_ar", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["code", "label_en", "label_fr", "label_es", "label_ar"]


admin.site.register(Topic, VocabularyAdmin)
admin.site.register(AudienceType, VocabularyAdmin)
admin.site.register(ActivityType, VocabularyAdmin)


@admin.register(ProfessionalBackground)
class ProfessionalBackgroundAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "audience"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log can be searched, never added to, changed or deleted here."""

    list_display = ["at", "actor_label", "action", "target_type", "target_id", "target_repr", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_repr", "target_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
