#!/usr/bin/env python3
"""Carries operations that spec/ lacks over from a published OpenAPI document, facts only.

    python3 xtask/scripts/import-operations.py REFERENCE.yml PROSE.yaml [--spec spec/clerk-backend-api.yaml]

For every operation of REFERENCE that spec/ does not have, this appends to spec/ its path,
method, operationId, tag, parameters, request body, responses, status codes, and the schemas
and shared components they need (types, formats, nullability, enums, bounds, required members,
deprecation). It leaves the document's prose behind: no description, summary, title or example
is carried over. The words come from PROSE, which the maintainer writes:

    tags:        {Tag name: [rust_group, description]}       (tags spec/ does not have yet)
    operations:  {operationId: [group.method, summary, description?]}
    schemas:     {SchemaName: description}                   (optional)
    properties:  {member_name: description}                  (optional, for common members)
    inputs:      {name or operationId/name: description}     (optional: request members and
                                                              parameters, the specific key first)

An operation without an entry in PROSE stops the import before anything is written, with the
list of what is missing. Every imported operation is marked `x-beyond-listing`. The operations
already in spec/, and the schemas spec/ already defines, are left exactly as they are.

The result is text appended in spec/'s own layout (block mappings, quoted status codes), to be
reviewed like any other change, then checked by `cargo test` (spec_promises, the listing) and
`cargo xtask conformance`.
"""

import argparse
import json
import re
import sys

import yaml

METHODS = ("get", "put", "post", "delete", "patch")
BEYOND = "Not in the endpoint listing; part of API version 2021-02-05 as Clerk publishes it."

# Error answers that spec/ already names, by the reference's component name.
ERROR_RESPONSES = {
    "ClerkErrors": "RequestNotSuccessful",
    "UnprocessableEntity": "InvalidRequestParameters",
    "AuthenticationInvalid": "AuthenticationInvalid",
    "AuthorizationInvalid": "AuthorizationInvalid",
    "ResourceNotFound": "ResourceNotFound",
    "PaymentRequired": "PaymentRequired",
}
# The reference's shared error answer for a status, for error answers it spells out inline.
ERROR_BY_STATUS = {
    "401": "AuthenticationInvalid",
    "402": "PaymentRequired",
    "403": "AuthorizationInvalid",
    "404": "ResourceNotFound",
    "409": "Conflict",
    "422": "UnprocessableEntity",
    "423": "Locked",
    "429": "TooManyRequests",
}
# Error answers spec/ gains with the import, with our descriptions.
NEW_ERROR_RESPONSES = {
    "Conflict": "The request conflicts with the current state of the resource",
    "Locked": "The resource is locked",
    "TooManyRequests": "Too many requests; retry later",
    "DeprecatedEndpoint": "The operation is deprecated and is about to be removed",
}
# Reference parameter components, and the spec/ component each becomes.
PARAMETERS = {
    "OffsetParameter": "Offset",
    # The listing's own `Limit` stops at 499; the newer operations allow 500.
    "LimitParameter": "LimitParameter",
    "Paginated": "Paginated",
}
PARAMETER_PROSE = {
    "LimitParameter": "How many results to return, at most 500 (10 when not set). Pages together with `offset`.",
    "Paginated": "Whether the answer is a page with a total count (`true`) or every result (`false`).",
}
# Descriptions of common query parameters, by name.
QUERY_PROSE = {
    "query": "Returns only the results that match this text.",
    "order_by": "The field to sort by; prefix it with `+` for ascending or `-` for descending order.",
    "status": "Returns only the results with this status.",
    "user_id": "Returns only the results of this user.",
    "organization_id": "Returns only the results of this organization.",
    "email_address": "Returns only the results for this email address.",
    "limit": "How many results to return.",
    "offset": "How many results to skip.",
    "verified": "Returns only verified (`true`) or unverified (`false`) results.",
}
SCHEMA_KEYS = (
    "$ref", "type", "format", "enum", "const", "nullable", "deprecated", "readOnly", "writeOnly",
    "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
    "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties",
    "maxProperties", "discriminator", "required", "properties", "additionalProperties", "items",
    "allOf", "oneOf", "anyOf", "not",
)


class ImportError_(Exception):
    pass


def pointer(document, ref):
    value = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        value = value[part]
    return value


class Importer:
    def __init__(self, reference, spec, prose):
        self.ref = reference
        self.spec = spec
        self.prose = prose
        self.schemas = {}  # name -> cleaned schema, new to spec/
        self.shared_responses = {}  # name -> response, new to spec/
        self.parameters = {}  # name -> parameter, new to spec/

    # Schemas: facts only, references followed into components spec/ lacks.
    def schema(self, value, described=None):
        if not isinstance(value, dict):
            return value
        out = {}
        for key in SCHEMA_KEYS:
            if key not in value:
                continue
            item = value[key]
            if key == "$ref":
                self.need_schema(item)
                out[key] = item
            elif key == "properties":
                out[key] = {
                    name: self.member(name, member) for name, member in item.items()
                }
            elif key in ("items", "not") or (key == "additionalProperties" and isinstance(item, dict)):
                out[key] = self.schema(item)
            elif key in ("allOf", "oneOf", "anyOf"):
                out[key] = [self.schema(member) for member in item]
            elif key == "discriminator":
                out[key] = dict(item)
                for target in item.get("mapping", {}).values():
                    self.need_schema(target)
            else:
                out[key] = item
        if described:
            out = {"description": described, **out}
        return out

    def input_prose(self, op_id, name):
        inputs = self.prose.get("inputs", {})
        return inputs.get(f"{op_id}/{name}") or inputs.get(name)

    def body_schema(self, value, op_id):
        """A request body's schema: its members, and an array's items' members, described as
        inputs of the operation."""
        target = value.get("items", value) if value.get("type") == "array" else value
        out = self.schema(value)
        members = (out.get("items", out) if value.get("type") == "array" else out).get("properties", {})
        for name, member in members.items():
            prose = self.input_prose(op_id, name)
            if prose and "$ref" not in member and name in target.get("properties", {}):
                members[name] = {"description": prose, **{k: v for k, v in member.items() if k != "description"}}
        return out

    def member(self, name, value):
        prose = self.prose.get("properties", {}).get(name)
        if name == "data" and not (isinstance(value, dict) and value.get("type") == "array"):
            prose = None
        if isinstance(value, dict) and "$ref" in value:
            prose = None  # the referenced type documents itself
        return self.schema(value, prose)

    def need_schema(self, ref):
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise ImportError_(f"unexpected schema reference {ref}")
        name = ref[len(prefix):]
        if name in self.spec["components"]["schemas"] or name in self.schemas:
            return
        self.schemas[name] = None  # claimed before the walk, for recursive schemas
        prose = self.prose.get("schemas", {}).get(name)
        self.schemas[name] = self.schema(self.ref["components"]["schemas"][name], prose)

    # Parameters.
    def parameter(self, value, op_id):
        if "$ref" in value:
            name = value["$ref"].rsplit("/", 1)[1]
            target = PARAMETERS[name]
            if target not in self.spec["components"]["parameters"] and target not in self.parameters:
                source = self.ref["components"]["parameters"][name]
                self.parameters[target] = self.parameter_body(source, PARAMETER_PROSE[target])
            return {"$ref": f"#/components/parameters/{target}"}
        prose = self.parameter_prose(value)
        if value["in"] != "path":
            prose = self.input_prose(op_id, value["name"]) if f"{op_id}/{value['name']}" in self.prose.get("inputs", {}) else prose
            prose = prose or self.input_prose(op_id, value["name"])
        return self.parameter_body(value, prose)

    def parameter_body(self, value, prose):
        out = {"name": value["name"], "in": value["in"]}
        out["required"] = bool(value.get("required", False))
        if value.get("deprecated"):
            out["deprecated"] = True
        if prose:
            out["description"] = prose
        for key in ("style", "explode"):
            if key in value:
                out[key] = value[key]
        out["schema"] = self.schema(value["schema"])
        return out

    @staticmethod
    def parameter_prose(value):
        name = value["name"]
        if value["in"] == "path":
            words = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").lower()
            words = re.sub(r"\bid$", "", words).strip()
            words = words.replace("oauth", "OAuth").replace("api key", "API key").replace("jwt", "JWT")
            words = words.replace("m2m", "M2M").replace("web3", "web3")
            return f"The ID of the {words}." if name.lower().endswith("id") else f"The {words}."
        return QUERY_PROSE.get(name)

    # Responses.
    def responses(self, responses):
        out = {}
        json_api = any(
            "application/json" in self.resolve_response(r).get("content", {})
            for s, r in responses.items() if str(s).startswith("2")
        )
        for status, response in responses.items():
            status = str(status)
            if "$ref" not in response and not status.startswith("2") and json_api:
                # Clerk's errors have one shape; an inline copy of it, or an error answer the
                # document leaves without content, is that shared answer.
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if not schema or "errors" in schema.get("properties", {}):
                    response = {"$ref": "#/components/responses/" + ERROR_BY_STATUS.get(status, "ClerkErrors")}
            if "$ref" in response:
                name = response["$ref"].rsplit("/", 1)[1]
                if name in ERROR_RESPONSES:
                    out[status] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[name]}"}
                    continue
                if name in NEW_ERROR_RESPONSES:
                    self.shared_responses.setdefault(name, {
                        "description": NEW_ERROR_RESPONSES[name],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClerkErrors"}}},
                    })
                    out[status] = {"$ref": f"#/components/responses/{name}"}
                    continue
                target = self.ref["components"]["responses"][name]
                schema = target.get("content", {}).get("application/json", {}).get("schema", {})
                if self.named(schema):
                    out[status] = self.response(target, status)
                else:
                    # A response with an inline schema stays shared, so it is one type.
                    if name not in self.shared_responses:
                        self.shared_responses[name] = None
                        self.shared_responses[name] = self.response(target, status)
                    out[status] = {"$ref": f"#/components/responses/{name}"}
            else:
                out[status] = self.response(response, status)
        return out

    def resolve_response(self, response):
        if "$ref" in response:
            return self.ref["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        return response

    @staticmethod
    def named(schema):
        if "$ref" in schema:
            return True
        return schema.get("type") == "array" and "$ref" in schema.get("items", {})

    def response(self, response, status):
        out = {"description": self.response_prose(response, status)}
        if response.get("content"):
            out["content"] = {
                media: {"schema": self.schema(body.get("schema", {}))}
                for media, body in response["content"].items()
            }
        return out

    @staticmethod
    def response_prose(response, status):
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in schema:
            return f"The `{schema['$ref'].rsplit('/', 1)[1]}`."
        if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
            return f"A list of `{schema['items']['$ref'].rsplit('/', 1)[1]}`."
        if status.startswith("2"):
            return "Success."
        return {"400": "The request is invalid.", "500": "The server failed."}.get(status, "Failed.")

    # Operations.
    def operation(self, path, method, op, prose):
        rust_method, summary, *description = prose
        out = {
            "operationId": op["operationId"],
            "x-rust-method": rust_method,
            "x-beyond-listing": BEYOND,
            "tags": [op["tags"][0]],
            "summary": summary,
        }
        if description:
            out["description"] = description[0]
        if op.get("deprecated"):
            out["deprecated"] = True
        if "security" in op:
            out["security"] = op["security"]
        if op.get("parameters"):
            out["parameters"] = [self.parameter(p, op["operationId"]) for p in op["parameters"]]
        if op.get("requestBody"):
            body = op["requestBody"]
            out_body = {}
            if body.get("required"):
                out_body["required"] = True
            content = {}
            for media, value in body["content"].items():
                entry = {"schema": self.body_schema(value.get("schema", {}), op["operationId"])}
                if "encoding" in value:
                    entry["encoding"] = value["encoding"]
                content[media] = entry
            out_body["content"] = content
            out["requestBody"] = out_body
        out["responses"] = self.responses(op["responses"])
        return out


# Emitting YAML in spec/'s layout.
PLAIN = re.compile(r"^[A-Za-z_/.$][A-Za-z0-9_ ./$()'{}-]*$")
FLOW_PLAIN = re.compile(r"^[A-Za-z_/.$][A-Za-z0-9_ ./$()'-]*$")
WIDTH = 96


def scalar(value, flow=False):
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if (FLOW_PLAIN if flow else PLAIN).match(text) and yaml.safe_load(text) == text and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def short_list(value):
    return (
        isinstance(value, list)
        and all(isinstance(v, str) for v in value)
        and len(", ".join(value)) < 70
    )


def emit(value, indent):
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            key_text = json.dumps(str(key)) if re.fullmatch(r"\d+|[A-Z0-9]XX", str(key)) else scalar(key)
            if isinstance(item, dict) and item:
                lines.append(f"{pad}{key_text}:")
                lines.extend(emit(item, indent + 2))
            elif isinstance(item, list) and item and not short_list(item):
                lines.append(f"{pad}{key_text}:")
                lines.extend(emit(item, indent + 2))
            elif isinstance(item, list):
                lines.append(f"{pad}{key_text}: [{', '.join(scalar(v, True) for v in item)}]")
            elif isinstance(item, dict):
                lines.append(f"{pad}{key_text}: {{}}")
            elif isinstance(item, str) and len(pad) + len(key_text) + len(item) + 2 > WIDTH and "\n" not in item:
                lines.append(f"{pad}{key_text}: >-")
                lines.extend(fold(item, indent + 2))
            else:
                lines.append(f"{pad}{key_text}: {scalar(item)}")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                inner = emit(item, indent + 2)
                inner[0] = f"{pad}- {inner[0][indent + 2:]}"
                lines.extend(inner)
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return lines


def fold(text, indent):
    """A folded block scalar's lines: words wrapped at WIDTH, joined again by YAML with spaces."""
    pad = " " * indent
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(pad) + len(line) + 1 + len(word) > WIDTH:
            lines.append(pad + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(pad + line)
    return lines


def section_end(lines, start):
    """The index of the first line after the block that starts at `start`."""
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return end


def find_key(lines, key, indent, start=0, end=None):
    end = len(lines) if end is None else end
    target = " " * indent + key + ":"
    for index in range(start, end):
        if lines[index] == target or lines[index].startswith(target + " "):
            return index
    return None


def reorder(entry):
    """Parameters before the body and responses, as spec/ writes them."""
    order = ["operationId", "x-rust-method", "x-beyond-listing", "tags", "summary", "description",
             "deprecated", "security", "parameters", "requestBody", "responses"]
    return {key: entry[key] for key in order if key in entry}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference")
    parser.add_argument("prose")
    parser.add_argument("--spec", default="spec/clerk-backend-api.yaml")
    args = parser.parse_args()
    with open(args.reference, encoding="utf-8") as f:
        reference = yaml.safe_load(f)
    with open(args.spec, encoding="utf-8") as f:
        spec_text = f.read()
    spec = yaml.safe_load(spec_text)
    with open(args.prose, encoding="utf-8") as f:
        prose = yaml.safe_load(f)

    have = {(m, p) for p, item in spec["paths"].items() for m in item if m in METHODS}
    todo = [
        (path, method, item[method], item)
        for path, item in reference["paths"].items()
        for method in METHODS
        if method in item and (method, path) not in have
    ]
    missing = [op["operationId"] for _, _, op, _ in todo if op["operationId"] not in prose["operations"]]
    # A tag spec/ spells differently ("Sign-ups" for "Sign Ups") is the same group.
    spelled = {re.sub(r"[^a-z0-9]", "", tag["name"].lower()): tag["name"] for tag in spec["tags"]}
    for _, _, op, _ in todo:
        op["tags"] = [spelled.get(re.sub(r"[^a-z0-9]", "", op["tags"][0].lower()), op["tags"][0])]
    tags = {op["tags"][0] for _, _, op, _ in todo}
    known_tags = {tag["name"] for tag in spec["tags"]}
    missing += [f"tag {tag}" for tag in sorted(tags - known_tags) if tag not in prose.get("tags", {})]
    if missing:
        sys.exit("error: PROSE has no entry for:\n  " + "\n  ".join(missing))

    importer = Importer(reference, spec, prose)
    new_paths = {}
    added_to = {}
    for path, method, op, item in todo:
        entry = importer.operation(path, method, op, prose["operations"][op["operationId"]])
        if path in spec["paths"]:
            declared = {(p.get("name"), p.get("in")) for p in spec["paths"][path].get("parameters", [])}
            inherited = [
                importer.parameter(p, op["operationId"])
                for p in item.get("parameters", [])
                if (p.get("name"), p.get("in")) not in declared
            ]
            if inherited:
                entry["parameters"] = inherited + entry.get("parameters", [])
                entry = reorder(entry)
            added_to.setdefault(path, {})[method] = entry
            continue
        target = new_paths.setdefault(path, {})
        if item.get("parameters") and "parameters" not in target:
            target["parameters"] = [importer.parameter(p, op["operationId"]) for p in item["parameters"]]
        target[method] = entry

    lines = spec_text.rstrip("\n").split("\n")

    def insert_at_end_of(key_line, block):
        end = section_end(lines, key_line)
        while not lines[end - 1].strip():
            end -= 1
        lines[end:end] = block

    # Components first, from the bottom of the file up, so earlier indexes stay valid.
    components = find_key(lines, "components", 0)
    for kind, table in (("schemas", importer.schemas), ("responses", importer.shared_responses),
                        ("parameters", importer.parameters)):
        if not table:
            continue
        at = find_key(lines, kind, 2, components, section_end(lines, components))
        insert_at_end_of(at, emit({name: table[name] for name in sorted(table)}, 4))

    paths = find_key(lines, "paths", 0)
    for path, methods in added_to.items():
        at = find_key(lines, scalar(path), 2, paths, section_end(lines, paths))
        insert_at_end_of(at, emit(methods, 4))
    ordered = dict(sorted(new_paths.items()))
    insert_at_end_of(paths, emit(ordered, 2))

    new_tags = sorted(tags - known_tags)
    if new_tags:
        at = find_key(lines, "tags", 0)
        block = []
        for name in new_tags:
            group, text = prose["tags"][name]
            block += emit([{"name": name, "description": text, "x-rust-name": group}], 2)
        insert_at_end_of(at, block)

    with open(args.spec, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(
        f"imported {len(todo)} operations ({len(new_paths)} new paths), {len(importer.schemas)} schemas, "
        f"{len(importer.shared_responses)} responses and {len(importer.parameters)} parameters into {args.spec}"
    )


if __name__ == "__main__":
    try:
        main()
    except ImportError_ as error:
        sys.exit(f"error: {error}")
