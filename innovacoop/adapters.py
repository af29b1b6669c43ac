from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """People join by invitation (staff or a cooperative's admin), never by open signup."""

    def is_open_for_signup(self, request):
        return False
