//! `/docs`: the OpenAPI document as a page, rendered on the server so it
//! needs no script and loads nothing from elsewhere.

use serde_json::Value;
use std::fmt::Write;

pub fn render(doc: &Value) -> String {
    let mut page = String::with_capacity(64 * 1024);
    let title = text(&doc["info"]["title"]);
    let version = text(&doc["info"]["version"]);
    let _ = write!(
        page,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} API</title><style>{STYLE}</style></head><body>\
         <header><h1>{title} API <small>{version}</small></h1><p>{}</p>\
         <p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI 3.1).</p></header><main>",
        text(&doc["info"]["description"]),
    );
    let mut tags: Vec<String> = Vec::new();
    for (_, item) in entries(&doc["paths"]) {
        for (_, op) in entries(item) {
            let tag = text(&op["tags"][0]);
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    for tag in &tags {
        let _ = write!(page, "<section><h2>{tag}</h2>");
        for (path, item) in entries(&doc["paths"]) {
            for (method, op) in entries(item) {
                if text(&op["tags"][0]) == *tag {
                    operation(&mut page, &method, &path, op);
                }
            }
        }
        page.push_str("</section>");
    }
    page.push_str("<section><h2>Schemas</h2>");
    for (name, schema) in entries(&doc["components"]["schemas"]) {
        let _ = write!(
            page,
            "<details id=\"schema-{name}\"><summary>{name}</summary>{}</details>",
            code(schema)
        );
    }
    page.push_str("</section></main></body></html>");
    page
}

fn operation(page: &mut String, method: &str, path: &str, op: &Value) {
    let id = text(&op["operationId"]);
    let signed = op["security"].as_array().is_some_and(|s| !s.is_empty());
    let _ = write!(
        page,
        "<article id=\"op-{id}\"><h3><span class=\"m {method}\">{}</span> <code>{}</code>{}</h3>\
         <p><strong>{}</strong></p><p>{}</p>",
        method.to_ascii_uppercase(),
        escape(path),
        if signed {
            " <span class=\"lock\">signed</span>"
        } else {
            ""
        },
        text(&op["summary"]),
        text(&op["description"]),
    );
    if signed {
        page.push_str(
            "<p class=\"note\">Needs <code>X-Timestamp</code>, <code>X-Client</code> and \
             <code>X-Signature</code>; each signed request is accepted once.</p>",
        );
    }
    if let Some(params) = op["parameters"].as_array() {
        page.push_str("<p>Path parameters: ");
        for p in params {
            let _ = write!(page, "<code>{}</code> ", text(&p["name"]));
        }
        page.push_str("</p>");
    }
    let body = &op["requestBody"]["content"]["application/json"];
    if !body.is_null() {
        let _ = write!(
            page,
            "<h4>Body</h4>{}<h4>Example</h4>{}",
            code(&body["schema"]),
            code(&body["example"])
        );
    }
    for (status, res) in entries(&op["responses"]) {
        if status == "default" {
            continue;
        }
        let _ = write!(page, "<h4>{status}: {}</h4>", text(&res["description"]));
        for (kind, media) in entries(&res["content"]) {
            if !media["example"].is_null() {
                let _ = write!(page, "<p>{}</p>{}", escape(&kind), code(&media["example"]));
            } else if !media["schema"].is_null() {
                let _ = write!(page, "<p>{}</p>{}", escape(&kind), code(&media["schema"]));
            }
        }
    }
    page.push_str("</article>");
}

fn entries(v: &Value) -> Vec<(String, &Value)> {
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

/// A string value, escaped; empty for anything else.
fn text(v: &Value) -> String {
    escape(v.as_str().unwrap_or_default())
}

fn code(v: &Value) -> String {
    let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
    format!("<pre><code>{}</code></pre>", escape(&pretty))
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}\
header,main{max-width:960px;margin:auto;padding:0 1rem}h1 small{font-size:.6em;color:#57606a}\
section{margin:2rem 0}h2{border-bottom:2px solid #d0d7de}article{background:#fff;border:1px solid #d0d7de;\
border-radius:6px;padding:.5rem 1rem;margin:1rem 0}h3{font-size:1.05em}.m{display:inline-block;\
min-width:4em;text-align:center;border-radius:4px;color:#fff;padding:0 .4em;background:#57606a}\
.m.get{background:#0969da}.m.post{background:#1a7f37}.m.put,.m.patch{background:#9a6700}.m.delete{background:#cf222e}\
.lock{font-size:.75em;border:1px solid #9a6700;color:#9a6700;border-radius:4px;padding:0 .3em}\
.note{color:#57606a}pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:24rem}";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn renders_every_operation_and_escapes_documented_text() {
        let doc = json!({
            "info": {"title": "T", "version": "1", "description": "d <b>"},
            "paths": {
                "/a/{id}": {"get": {"operationId": "get_a", "summary": "s", "description": "x",
                    "tags": ["One"], "security": [], "parameters": [{"name": "id"}],
                    "responses": {"200": {"description": "OK", "content": {"application/json": {"example": {"k": "<v>"}}}}}}},
                "/b": {"post": {"operationId": "post_b", "summary": "s2", "description": "y",
                    "tags": ["Two"], "security": [{"timestamp": []}],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}, "example": {}}}},
                    "responses": {}}}
            },
            "components": {"schemas": {"S": {"type": "string"}}}
        });
        let page = render(&doc);
        assert!(page.contains("id=\"op-get_a\""));
        assert!(page.contains("id=\"op-post_b\""));
        assert!(page.contains("<h2>One</h2>") && page.contains("<h2>Two</h2>"));
        assert!(page.contains("d &lt;b&gt;"));
        assert!(page.contains("&lt;v&gt;"));
        assert!(!page.contains("<v>"));
        assert!(page.contains("schema-S"));
        assert!(page.contains("class=\"lock\""));
        assert!(!page.contains("<script"));
    }
}
