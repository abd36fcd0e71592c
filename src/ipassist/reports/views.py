"""Dashboards and the public statistics page (to be written)."""

from django.http import Http404


def dashboard(request):
    raise Http404


def public_statistics(request):
    raise Http404
