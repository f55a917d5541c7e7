from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from rules.contrib.views import PermissionRequiredMixin


def file_response(
    content: bytes, content_type: str, filename: str, *, as_attachment: bool = True
) -> HttpResponse:
    """A generated file (PDF, xlsx, .ics) under the name the user sees when saving it."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


class ObjectPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A page about one object named in the URL, checked against `permission_required`.

    Anonymous users go to the login page first; an unknown id is a 404 with `not_found`,
    an object the user may not see or touch a 403. Subclasses say how to load the object
    (`load_object`, usually a selector that prefetches what the page shows).
    """

    not_found = "Không tìm thấy trang này."

    def load_object(self):
        raise NotImplementedError

    @cached_property
    def page_object(self):
        try:
            return self.load_object()
        except ObjectDoesNotExist as exc:
            raise Http404(self.not_found) from exc

    def get_permission_object(self):
        return self.page_object
