from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pracharat.accounts import actions
from pracharat.accounts.forms import LoginForm, NotificationSettingsForm, TokenForm
from pracharat.accounts.models import Agency, Membership


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def me(request):
    memberships = request.user.memberships.select_related("agency")
    tokens = request.user.api_tokens.order_by("-created")
    notification_form = NotificationSettingsForm(instance=request.user)
    if request.method == "POST":
        notification_form = NotificationSettingsForm(request.POST, instance=request.user)
        if notification_form.is_valid():
            notification_form.save()
            messages.success(request, _("Notification settings saved."))
            return redirect("accounts:me")
    return render(
        request,
        "accounts/me.html",
        {
            "memberships": memberships,
            "tokens": tokens,
            "token_form": TokenForm(),
            "notification_form": notification_form,
        },
    )


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:me")
    _token, key = actions.issue_api_token(request.user, form.cleaned_data["name"])
    messages.success(
        request, _("New API token (copy it now, it is shown only once): %(key)s") % {"key": key}
    )
    return redirect("accounts:me")


@login_required
@require_POST
def revoke_token(request, pk: int):
    if actions.revoke_api_token(request.user, pk):
        messages.success(request, _("Token revoked."))
    return redirect("accounts:me")


@login_required
def agencies(request):
    rows = Agency.objects.visible_to(request.user).select_related("parent")
    return render(request, "accounts/agencies.html", {"agencies": rows})


@login_required
def agency(request, slug: str):
    item = get_object_or_404(Agency.objects.visible_to(request.user), slug=slug)
    members = (
        Membership.objects.filter(agency=item)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    return render(request, "accounts/agency.html", {"agency": item, "members": members})
