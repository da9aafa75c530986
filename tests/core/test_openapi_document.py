"""The served OpenAPI document is a valid OpenAPI 3 document."""

from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator


def test_served_openapi_document_is_valid(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    document = r.get_json()
    assert [e.message for e in OpenAPIV30SpecValidator(document).iter_errors()] == []
    validate(document)  # raises on the first error, naming where it is


def test_every_operation_documents_the_errors_every_call_can_meet(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "429" in codes, (method, path)
            if operation.get("security") != []:
                assert {"401", "403"} <= codes, (method, path)
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                assert {"400", "413", "422"} <= codes, (method, path)


def test_error_answers_follow_the_error_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
