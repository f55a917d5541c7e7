"""Forms of the plan pages. Each page's form validates one part of a plan; its save()
delegates to the service that owns that change (plans.services).

Lists (legal bases, blocks of a section, budget lines, sessions, …) are ordered formsets:
hidden ORDER and DELETE fields that static/js/formset.js sets from the "Lên", "Xuống" and
"Xóa" buttons. A whole list is saved in one transaction; a row error is reported as
"Dòng N: …", N being the row's place on the page.
"""
