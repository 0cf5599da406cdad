"""Signing in through the real login form, as a person would."""

PASSWORD = "clave-segura-123"


def log_in(page, url: str, username: str, password: str = PASSWORD) -> None:
    """Open `url` (the login page or a page that sends there), sign in and submit."""
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
