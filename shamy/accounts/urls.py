from django.contrib.auth import views as auth_views
from django.urls import path

from shamy.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_set, name="language-set"),
    path("profile/", views.profile, name="profile"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="token-revoke"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
