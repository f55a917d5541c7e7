import factory

from accounts.models import Role, User
from directory.models import KIND_LEVEL, Place, PlaceKind, Unit, UnitKind


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    code = factory.Sequence(lambda n: f"T{n:04d}")
    kind = PlaceKind.HUYEN
    name = factory.Sequence(lambda n: f"Địa bàn {n}")
    parent = None
    level = factory.LazyAttribute(lambda o: KIND_LEVEL[PlaceKind(o.kind)])
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else ''}{o.code}/")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Phòng chuyên môn {n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    kind = UnitKind.PHONG_BAN
    place = factory.SubFactory(PlaceFactory)
    email = factory.Sequence(lambda n: f"donvi{n}@example.gov.vn")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "An"
    last_name = "Nguyễn Văn"
    role = Role.DISTRICT_STAFF
    password = factory.PostGenerationMethodCall("set_password", "matkhau-thu-nghiem")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan with only what the database requires; tests that print one use plan files."""

    class Meta:
        model = "plans.Plan"

    issuer = factory.SubFactory(PlaceFactory)
    kind = "poverty"
    year = 2024
    summary = "Tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024"
    place_name = "Tuy Phước"
    closing = "Trên đây là Kế hoạch tổ chức hội nghị đối thoại."
    signer_title = "PHÓ CHỦ TỊCH"
    signer_name = "Nguyễn Văn Bình"
