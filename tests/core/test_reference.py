"""Countries (ISO 3166) named in the six UN languages, placed in the UN M49 hierarchy."""

import pytest
from django.utils import translation

from ipassist.core.models import Country, Region
from ipassist.core.reference import sync_reference

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_loaded():
    import pycountry

    assert Country.objects.count() == len(pycountry.countries)


def test_names_in_six_languages_from_cldr():
    kenya = Country.objects.get(code="KE")
    assert (kenya.name_en, kenya.name_fr, kenya.name_es) == ("Kenya", "Kenya", "Kenia")
    assert kenya.name_ar == "كينيا"
    assert kenya.name_zh == "肯尼亚"
    assert kenya.name_ru == "Кения"
    with translation.override("ar"):
        assert Country.objects.get(code="MA").name == "المغرب"


@pytest.mark.parametrize(
    ("code", "region", "subregion", "intermediate"),
    [
        ("KE", "002", "202", "014"),  # Africa > Sub-Saharan Africa > Eastern Africa
        ("MA", "002", "015", None),  # Africa > Northern Africa
        ("PE", "019", "419", "005"),  # Americas > Latin America and the Caribbean > South America
        ("VN", "142", "035", None),  # Asia > South-eastern Asia
        ("FR", "150", "155", None),  # Europe > Western Europe
        ("US", "019", "021", None),  # Americas > Northern America
    ],
)
def test_m49_hierarchy(code, region, subregion, intermediate):
    country = Country.objects.get(code=code)
    assert (country.region_id, country.subregion_id, country.intermediate_region_id) == (
        region,
        subregion,
        intermediate,
    )


def test_regions_are_named_and_nested():
    africa = Region.objects.get(code="002")
    assert africa.level == Region.Level.REGION
    assert africa.name_fr == "Afrique"
    assert Region.objects.get(code="202").parent_id == "002"
    assert Region.objects.get(code="014").parent.parent_id == "002"


def test_sync_is_idempotent():
    before = list(Country.objects.values_list("code", "name_fr", "subregion_id"))
    assert sync_reference()["countries"] == len(before)
    assert list(Country.objects.values_list("code", "name_fr", "subregion_id")) == before
