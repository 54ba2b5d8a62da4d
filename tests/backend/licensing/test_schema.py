def test_licensing_endpoints_are_in_the_openapi_schema(ptv):
    response = ptv.client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/programmes/{programme_pk}/offers/", "/api/v1/offers/{id}/", "/api/v1/licence-requests/",
        "/api/v1/licence-requests/{id}/approve/", "/api/v1/licence-requests/{id}/reject/", "/api/v1/licences/",
        "/api/v1/avails/", "/api/v1/webhooks/", "/api/v1/webhooks/{id}/deliveries/",
    ):
        assert path in paths, path
    avails = {p["name"]: p for p in paths["/api/v1/avails/"]["get"]["parameters"]}
    assert {"territory", "media", "from", "to", "language", "localization", "exclusive", "page"} <= set(avails)
    assert avails["from"]["required"] and avails["from"]["schema"]["format"] == "date"
    created = paths["/api/v1/webhooks/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert created["$ref"].endswith("/RegisteredWebhook")
