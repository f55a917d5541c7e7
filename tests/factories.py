import factory

from accounts.models import Role, User
from directory.models import KIND_LEVEL, MapEra, Place, PlaceKind, Unit, UnitKind, era_path_prefix
from feedback.models import Channel, Question, QuestionStatus, Topic
from sessions.models import Participant, ParticipantCategory, Quota, Session, TimeKind


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    code = factory.Sequence(lambda n: f"T{n:04d}")
    kind = PlaceKind.HUYEN
    name = factory.Sequence(lambda n: f"Địa bàn {n}")
    parent = None
    # The old map unless said otherwise: the factories build districts (the parent's map below one).
    era = factory.LazyAttribute(lambda o: o.parent.era if o.parent else MapEra.BEFORE_2025)
    level = factory.LazyAttribute(lambda o: KIND_LEVEL[PlaceKind(o.kind)])
    path = factory.LazyAttribute(
        lambda o: f"{o.parent.path if o.parent else era_path_prefix(o.era)}{o.code}/"
    )


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


class SessionFactory(factory.django.DjangoModelFactory):
    """A session held in a commune of its plan's issuer; dated when given a date."""

    class Meta:
        model = Session

    plan = factory.SubFactory(PlanFactory)
    venue_name = "Hội trường UBND xã Phước Hòa"
    host_commune = factory.SubFactory(
        PlaceFactory, kind=PlaceKind.XA, parent=factory.SelfAttribute("..plan.issuer")
    )
    date = None
    time_kind = factory.LazyAttribute(lambda o: TimeKind.EXACT if o.date else TimeKind.LATER)


class QuotaFactory(factory.django.DjangoModelFactory):
    """The number of people a place (by default the host commune) sends to a session."""

    class Meta:
        model = Quota

    session = factory.SubFactory(SessionFactory)
    place = factory.SelfAttribute("session.host_commune")
    count = 100


def category(code: str = "ho-ngheo") -> ParticipantCategory:
    """A household category the migrations load."""
    return ParticipantCategory.objects.get(code=code)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    session = factory.SubFactory(SessionFactory)
    commune = factory.SelfAttribute("session.host_commune")
    full_name = factory.Sequence(lambda n: f"Trần Thị Hương {n}")
    category = factory.LazyFunction(category)
    row_number = factory.Sequence(lambda n: n + 1)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A new question a commune sent before the session, on poverty reduction."""

    class Meta:
        model = Question

    session = factory.SubFactory(SessionFactory)
    commune = factory.SelfAttribute("session.host_commune")
    text = "Hộ cận nghèo được vay vốn làm ăn ở đâu?"
    channel = Channel.BEFORE_SESSION
    topic = factory.LazyFunction(lambda: Topic.objects.get(code="giam-ngheo"))
    status = QuestionStatus.NEW
