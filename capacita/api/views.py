"""The API's reference page: the OpenAPI description read out as a page of the site, in the
reader's language, without any script."""

from __future__ import annotations

from django.shortcuts import render

from .api import api

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict) -> str:
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref") or ""
    name = ref.rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{name or schema.get('items', {}).get('type', '')}]"
    return name or schema.get("type", "")


def reference(request):
    description = api.get_openapi_schema(path_prefix="/api/v1")
    operations = []
    for path, methods in description["paths"].items():
        for method in METHODS:
            operation = methods.get(method)
            if operation is None:
                continue
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "public": not operation.get("security")
                    or any(not scheme for scheme in operation["security"]),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "required": parameter.get("required", False),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "body": bool(operation.get("requestBody")),
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return render(
        request,
        "api/reference.html",
        {"operations": operations, "info": description["info"]},
    )
