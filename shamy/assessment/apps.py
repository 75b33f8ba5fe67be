from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "shamy.assessment"
    label = "assessment"

    def ready(self) -> None:
        # A portfolio submitted on its own page becomes a submission for assessment; portfolios
        # sits below this app, so it runs the hook without importing assessment.
        from shamy.assessment.services.submissions import submission_after_portfolio_submit
        from shamy.portfolios.hooks import register_on_submit

        register_on_submit(submission_after_portfolio_submit)
