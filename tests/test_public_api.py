"""The declared public surface is importable and complete."""

import lagebild


def test_all_names_are_importable() -> None:
    for name in lagebild.__all__:
        assert getattr(lagebild, name) is not None, name


def test_clean_in_memory_returns_export_fields() -> None:
    html = (
        "<html><head><title>Proteste in Aktau</title><meta property='og:site_name' content='Steppe Post'>"
        "<meta name='date' content='2022-01-05'></head><body><nav>Start | Politik | Sport</nav><article>"
        "<h1>Proteste in Aktau</h1><p>Tausende Menschen protestierten am Mittwoch in der Hafenstadt Aktau "
        "gegen die Verdopplung der Gaspreise. Die Polizei hielt sich zunächst zurück.</p><p>Am Abend "
        "weiteten sich die Kundgebungen auf weitere Städte der Region Mangghystau aus.</p></article>"
        "<footer>Impressum · Datenschutz</footer></body></html>"
    )
    doc = lagebild.clean(html, url="https://steppe.example/aktau")
    assert "Tausende Menschen protestierten" in doc.text and "Impressum" not in doc.text
    assert (doc.title, doc.published, doc.published_precision, doc.language) == (
        "Proteste in Aktau",
        "2022-01-05",
        "day",
        "de",
    )
    assert doc.url == "https://steppe.example/aktau"
