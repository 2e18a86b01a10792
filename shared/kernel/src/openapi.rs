//! The OpenAPI 3.1 description of a deployment.
//!
//! Two halves. Natively, [`Fragment`] turns a product's route table and the
//! JSON Schemas of its Rust request and response types (schemars) into the
//! product's `openapi.json`, a file its tests keep current. At run time,
//! [`document`] assembles the served routes and the fragments of the
//! products compiled in into one document with `serde_json` alone, so no
//! schema generator is linked into a Worker or a component.

use crate::router::{Api, Auth, RouteInfo};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// Where schemas live in the assembled document.
const SCHEMAS: &str = "/components/schemas";

/// The assembled document for the routes and fragments of `api`, built
/// once per table.
pub fn document<'a>(api: &Api<'a>) -> &'a Value {
    api.document.get_or_init(|| assemble(api))
}

fn assemble(api: &Api<'_>) -> Value {
    let mut operations = Map::new();
    let mut schemas = Map::new();
    for text in api.fragments {
        // A fragment that does not parse is a build defect that the
        // fragment tests catch; the document then lacks its details.
        let Ok(Value::Object(mut fragment)) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        for (key, into) in [("operations", &mut operations), ("schemas", &mut schemas)] {
            if let Some(Value::Object(m)) = fragment.remove(key) {
                into.extend(m);
            }
        }
    }
    let mut paths = Map::new();
    for route in api.routes {
        let item = paths
            .entry(route.path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[route.method.to_ascii_lowercase()] =
            operation(route, operations.get(route.operation.id));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Edgedesk",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Signed, low-latency endpoints for customer-facing teams. Every JSON answer is an envelope: {\"ok\", \"data\", \"error\"}.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "timestamp": {"type": "apiKey", "in": "header", "name": "X-Timestamp", "description": "Unix epoch milliseconds, within 5 minutes of the server's clock."},
                "client": {"type": "apiKey", "in": "header", "name": "X-Client", "description": "Client id: [A-Za-z0-9._-], 1-64 characters."},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A session token from POST /api/agents/login: HS256, valid 24 hours, until it expires or its holder logs out."},
                "operator": {"type": "http", "scheme": "bearer", "description": "The deployment's operator token (OPERATOR_TOKEN): administration and metrics."},
                "api_key": {"type": "http", "scheme": "bearer", "description": "An API key (edgedesk-cli sales keys create), stored hashed with its role: uploader, analyst or admin."},
                "sso": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "An access token from the organisation's identity provider (WorkOS AuthKit): RS256, checked against WORKOS_JWKS_URL's keys for iss = WORKOS_ISSUER, aud = WORKOS_CLIENT_ID, exp, nbf and an org_id claim. The literal dev_token works only where DEV_AUTH=true."},
                "presigned": {"type": "apiKey", "in": "query", "name": "signature", "description": "A presigned URL as the API hands it out: expires (unix seconds), max_bytes and signature, lowercase hex HMAC-SHA256 of {METHOD}\\n{path}\\n{expires}\\n{max_bytes}. Refused with 403 once expired or if any part is altered."},
                "signature": {"type": "apiKey", "in": "header", "name": "X-Signature", "description": "Lowercase hex HMAC-SHA256 of {X-Timestamp}.{X-Client}.{raw body}; each signed request is accepted once."},
            },
            "responses": {
                "Error": {
                    "description": "An error envelope: its code says what went wrong, its message what was expected.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
                },
            },
        },
    })
}

fn operation(route: &RouteInfo, documented: Option<&Value>) -> Value {
    let mut op = json!({
        "operationId": route.operation.id,
        "summary": route.operation.summary,
        "description": route.operation.description,
        "tags": [route.product.title],
    });
    let parameters: Vec<Value> = path_parameters(route.path)
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    if !parameters.is_empty() {
        op["parameters"] = parameters.into();
    }
    op["security"] = match route.auth {
        Auth::Public => json!([]),
        Auth::Signed | Auth::SignedRead => {
            json!([{"timestamp": [], "client": [], "signature": []}])
        }
        Auth::Bearer => json!([{"bearer": []}]),
        Auth::Operator => json!([{"operator": []}]),
        Auth::ApiKey => json!([{"api_key": []}]),
        Auth::Sso => json!([{"sso": []}]),
        Auth::Presigned => json!([{"presigned": []}]),
    };
    let mut responses = json!({"200": {"description": "OK"}});
    if let Some(Value::Object(doc)) = documented {
        for (key, value) in doc {
            match key.as_str() {
                "responses" => responses = value.clone(),
                // Documented parameters join the path's; one documented
                // under a path parameter's name (with an example, say)
                // takes its place.
                "parameters" => {
                    let documented = value.as_array().cloned().unwrap_or_default();
                    let same = |a: &Value, b: &Value| a["name"] == b["name"] && a["in"] == b["in"];
                    let mut all: Vec<Value> = op["parameters"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|p| !documented.iter().any(|d| same(d, p)))
                        .cloned()
                        .collect();
                    all.extend(documented);
                    op["parameters"] = all.into();
                }
                _ => op[key] = value.clone(),
            }
        }
    }
    if crate::limits::group_of(route.path).is_some() {
        responses["429"] = json!({
            "description": "Too many requests from this client to this route group (a token bucket per client address and group: RATE_LIMIT_BURST at once, refilled at RATE_LIMIT_PER_MINUTE).",
            "headers": {"Retry-After": {"description": "Whole seconds until a token is available.", "schema": {"type": "integer", "minimum": 1}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
        });
    }
    responses["default"] = json!({"$ref": "#/components/responses/Error"});
    op["responses"] = responses;
    op
}

/// The `{name}` segments of a route template.
pub fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

/// A product's schema fragment, built natively from its route table and
/// the schemas of its types. Serialised, it is the product's
/// `openapi.json`.
pub struct Fragment {
    product: &'static str,
    generator: SchemaGenerator,
    operations: Map<String, Value>,
}

/// The answer of an operation, for its documentation.
pub struct Answer {
    pub status: u16,
    pub description: &'static str,
    /// Empty for an answer without a body.
    pub content_type: &'static str,
    /// `None` for a body that is not JSON (a page).
    pub schema: Option<Value>,
    pub example: Option<Value>,
}

impl Fragment {
    pub fn new(product: &'static str) -> Self {
        let mut settings = SchemaSettings::draft2020_12();
        settings.definitions_path = SCHEMAS.into();
        Fragment {
            product,
            generator: settings.into_generator(),
            operations: Map::new(),
        }
    }

    /// The schema of `T`, as a reference into the document's schemas.
    pub fn schema<T: JsonSchema>(&mut self) -> Value {
        self.generator.subschema_for::<T>().to_value()
    }

    /// The schema of a success envelope whose `data` is a `T`.
    pub fn envelope<T: JsonSchema>(&mut self) -> Value {
        let data = self.schema::<T>();
        json!({
            "type": "object",
            "properties": {
                "ok": {"const": true},
                "data": data,
                "error": {"type": "null"},
            },
            "required": ["ok", "data", "error"],
        })
    }

    /// Documents operation `id`: its JSON body (if it takes one) with an
    /// example, and its answer.
    pub fn operation(
        &mut self,
        id: &str,
        request: Option<(Value, Value)>,
        answer: Answer,
    ) -> &mut Self {
        let mut op = Map::new();
        if let Some((schema, example)) = request {
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": schema, "example": example}}}),
            );
        }
        let mut media = Map::new();
        if let Some(schema) = answer.schema {
            media.insert("schema".into(), schema);
        }
        if let Some(example) = answer.example {
            media.insert("example".into(), example);
        }
        // An empty content type: an answer with no body (a 204).
        let documented = if answer.content_type.is_empty() {
            json!({"description": answer.description})
        } else {
            json!({"description": answer.description, "content": {answer.content_type: media}})
        };
        op.insert(
            "responses".into(),
            json!({answer.status.to_string(): documented}),
        );
        assert!(
            self.operations.insert(id.into(), op.into()).is_none(),
            "operation {id} documented twice"
        );
        self
    }

    /// Documents another answer of operation `id` (a 202 besides its 201,
    /// say), after [`Fragment::operation`].
    pub fn also(&mut self, id: &str, answer: Answer) -> &mut Self {
        let mut media = Map::new();
        if let Some(schema) = answer.schema {
            media.insert("schema".into(), schema);
        }
        if let Some(example) = answer.example {
            media.insert("example".into(), example);
        }
        self.documented(id)["responses"][answer.status.to_string()] = json!({
            "description": answer.description,
            "content": {answer.content_type: media},
        });
        self
    }

    /// Documents the query and header parameters of operation `id`
    /// (OpenAPI parameter objects), after [`Fragment::operation`].
    pub fn parameters(&mut self, id: &str, parameters: Value) -> &mut Self {
        self.documented(id)["parameters"] = parameters;
        self
    }

    /// Documents the body of operation `id` in a media type other than
    /// JSON (a form post, say) with its schema and an example, after
    /// [`Fragment::operation`]; it replaces any body documented before.
    pub fn request_body(
        &mut self,
        id: &str,
        content_type: &str,
        schema: Value,
        example: Value,
    ) -> &mut Self {
        self.documented(id)["requestBody"] = json!({"required": true, "content": {
            content_type: {"schema": schema, "example": example},
        }});
        self
    }

    /// Marks the body of operation `id` as one that may be left out (every
    /// field optional, an empty body read as none), after its body is
    /// documented.
    pub fn optional_body(&mut self, id: &str) -> &mut Self {
        let body = &mut self.documented(id)["requestBody"];
        assert!(body.is_object(), "operation {id} documents no body");
        body["required"] = false.into();
        self
    }

    /// Documents an error answer of operation `id` besides the default
    /// one, after [`Fragment::operation`]: its status, when it happens, and
    /// its media type (the error envelope when JSON).
    pub fn refusal(
        &mut self,
        id: &str,
        status: u16,
        description: &str,
        content_type: &str,
    ) -> &mut Self {
        let schema = if content_type == "application/json" {
            json!({"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}})
        } else {
            json!({})
        };
        self.documented(id)["responses"][status.to_string()] = json!({
            "description": description,
            "content": {content_type: schema},
        });
        self
    }

    fn documented(&mut self, id: &str) -> &mut Value {
        self.operations
            .get_mut(id)
            .unwrap_or_else(|| panic!("operation {id} is not documented yet"))
    }

    /// The fragment, with every schema it referenced.
    pub fn finish(mut self) -> Value {
        // The error envelope every route may answer with.
        self.schema::<ErrorEnvelope>();
        let schemas = self.generator.take_definitions(true);
        json!({
            "product": self.product,
            "operations": self.operations,
            "schemas": schemas,
        })
    }
}

/// An error answer: `{"ok": false, "data": null, "error": {...}}`.
#[derive(Serialize, JsonSchema)]
pub struct ErrorEnvelope {
    /// Always false.
    pub ok: bool,
    /// Always null.
    pub data: Option<()>,
    pub error: ErrorBody,
}

#[derive(Serialize, JsonSchema)]
pub struct ErrorBody {
    pub code: ErrorCodeName,
    /// Names the field and what was expected; never secrets or internals.
    pub message: String,
}

/// The error codes and the HTTP statuses they come with.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCodeName {
    /// 401: a signing header missing or malformed, a stale timestamp, a
    /// wrong signature or a replay; or a bearer token missing, invalid,
    /// expired or revoked.
    Unauthorized,
    /// 400, or 404 / 405 / 413 / 422 for an unknown path, a wrong method, a
    /// body over the cap or a field whose value is not valid.
    InvalidInput,
    /// 404: no stored data for the subject.
    MissingData,
    /// 500: storage unavailable or stored data unreadable.
    ToolFailure,
    /// 504: the data took too long to read.
    Timeout,
    /// 403: the caller's role may not do this.
    Forbidden,
    /// 409: the change conflicts with the current state (a second active
    /// assignment, an illegal status change, a duplicate).
    Conflict,
    /// 429: too many attempts; `Retry-After` says when to try again.
    RateLimited,
    /// 502: a service this one calls failed.
    UpstreamFailure,
    /// 503: a setting the route needs is missing; the message names it.
    NotConfigured,
    /// 423: the business has stopped its assistant; its owner can start it
    /// again.
    Locked,
}

/// `schema` with every `#/components/schemas/...` reference replaced by
/// the schema it names (siblings of the reference kept), for consumers
/// that want one self-contained schema. Recursive types stop at a depth
/// of 32, leaving the reference.
pub fn inline(schema: &Value, schemas: &Value) -> Value {
    inline_at(schema, schemas, 0)
}

fn inline_at(schema: &Value, schemas: &Value, depth: u8) -> Value {
    match schema {
        Value::Object(m) => {
            let target = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|name| schemas.get(name));
            match target {
                Some(found) if depth < 32 => {
                    let mut out = match inline_at(found, schemas, depth + 1) {
                        Value::Object(o) => o,
                        other => return other,
                    };
                    for (k, v) in m.iter().filter(|(k, _)| *k != "$ref") {
                        out.insert(k.clone(), inline_at(v, schemas, depth + 1));
                    }
                    Value::Object(out)
                }
                _ => Value::Object(
                    m.iter()
                        .map(|(k, v)| (k.clone(), inline_at(v, schemas, depth + 1)))
                        .collect(),
                ),
            }
        }
        Value::Array(a) => {
            Value::Array(a.iter().map(|v| inline_at(v, schemas, depth + 1)).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_of_another_media_type_and_header_parameters_are_documented() {
        let mut f = Fragment::new("example");
        let answer = || Answer {
            status: 200,
            description: "TwiML",
            content_type: "text/xml",
            schema: Some(json!({"type": "string"})),
            example: Some("<Response/>".into()),
        };
        let form = json!({"type": "object", "properties": {"To": {"type": "string"}}});
        let header = json!([{"name": "X-Twilio-Signature", "in": "header", "required": true,
                             "schema": {"type": "string"}}]);
        f.operation("hook", None, answer())
            .request_body(
                "hook",
                "application/x-www-form-urlencoded",
                form.clone(),
                json!({"To": "+15005550006"}),
            )
            .parameters("hook", header.clone());
        // A JSON operation comes out as before.
        f.operation("plain", Some((json!({}), json!({}))), answer());
        f.operation("optional", Some((json!({}), json!({}))), answer())
            .optional_body("optional");
        let out = f.finish();
        let hook = &out["operations"]["hook"];
        assert_eq!(
            hook["requestBody"],
            json!({"required": true, "content": {"application/x-www-form-urlencoded": {
                "schema": form, "example": {"To": "+15005550006"}}}})
        );
        assert_eq!(hook["parameters"], header);
        assert_eq!(
            hook["responses"]["200"]["content"]["text/xml"]["example"],
            "<Response/>"
        );
        assert_eq!(
            out["operations"]["plain"]["requestBody"],
            json!({"required": true, "content": {"application/json": {"schema": {}, "example": {}}}})
        );
        assert_eq!(
            out["operations"]["optional"]["requestBody"]["required"],
            false
        );
    }
}
