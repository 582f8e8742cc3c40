from reconciler.baton.client import redact


def test_api_key_values_are_redacted_wherever_they_stand() -> None:
    url = "https://127.0.0.1:9/api/projects/?page=2&api_key=s3cr3t&page_size=100"
    assert redact(url) == "https://127.0.0.1:9/api/projects/?page=2&api_key=***&page_size=100"
    assert "s3cr3t" not in redact(f"failed: {url} and again api_key=s3cr3t")
