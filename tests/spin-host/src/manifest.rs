//! The parts of `spin.toml` (manifest v2) the host enforces: routes, each
//! component's source and what it is granted.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Raw {
    spin_manifest_version: u32,
    #[serde(default)]
    variables: BTreeMap<String, RawVariable>,
    trigger: RawTriggers,
    component: BTreeMap<String, RawComponent>,
}

#[derive(Deserialize)]
struct RawVariable {
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    #[allow(dead_code)]
    secret: bool,
}

#[derive(Deserialize)]
struct RawTriggers {
    http: Vec<RawHttpTrigger>,
}

#[derive(Deserialize)]
struct RawHttpTrigger {
    route: String,
    component: String,
}

#[derive(Deserialize)]
struct RawComponent {
    source: String,
    #[serde(default)]
    key_value_stores: Vec<String>,
    #[serde(default)]
    sqlite_databases: Vec<String>,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
}

/// `scheme://host:port`: Spin reads an entry without a port as the
/// scheme's default one.
fn with_port(origin: &str) -> String {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return origin.to_string();
    };
    let host = rest.trim_end_matches('/');
    let port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return origin.to_string(),
    };
    let has_port = host
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if has_port {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}:{port}")
    }
}

/// What one component may use, with templates resolved.
#[derive(Debug, Clone)]
pub struct Grants {
    pub component: String,
    pub source: PathBuf,
    pub key_value_stores: Vec<String>,
    pub sqlite_databases: Vec<String>,
    /// `scheme://host:port` entries.
    pub allowed_outbound_hosts: Vec<String>,
    /// Component variable name -> value.
    pub variables: HashMap<String, String>,
}

pub struct Manifest {
    /// Exact routes and the wildcard prefixes (`/...`), to component id.
    routes: Vec<(String, String)>,
    pub components: HashMap<String, Grants>,
}

/// Resolves `{{ name }}` templates against the application variables.
fn resolve(template: &str, app: &HashMap<String, String>) -> Result<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .context("unclosed {{ in template")?
            + start;
        let name = rest[start + 2..end].trim();
        let value = app
            .get(name)
            .with_context(|| format!("template names undefined variable {name}"))?;
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

impl Manifest {
    /// Parses a manifest; `values` are the application variables' values
    /// (as a Spin variables provider would give them).
    pub fn parse(text: &str, base: &Path, values: &HashMap<String, String>) -> Result<Self> {
        let raw: Raw = toml::from_str(text).context("spin.toml")?;
        if raw.spin_manifest_version != 2 {
            bail!("only spin_manifest_version = 2 is supported");
        }
        let mut app = HashMap::new();
        for (name, var) in &raw.variables {
            match values.get(name).or(var.default.as_ref()) {
                Some(v) => {
                    app.insert(name.clone(), v.clone());
                }
                None if var.required => bail!("required variable {name} has no value"),
                None => {}
            }
        }
        let mut components = HashMap::new();
        for (id, c) in raw.component {
            let variables = c
                .variables
                .iter()
                .map(|(k, t)| Ok((k.clone(), resolve(t, &app)?)))
                .collect::<Result<_>>()?;
            let allowed_outbound_hosts = c
                .allowed_outbound_hosts
                .iter()
                .map(|t| resolve(t, &app).map(|h| with_port(&h)))
                .collect::<Result<_>>()?;
            components.insert(
                id.clone(),
                Grants {
                    component: id,
                    source: base.join(&c.source),
                    key_value_stores: c.key_value_stores,
                    sqlite_databases: c.sqlite_databases,
                    allowed_outbound_hosts,
                    variables,
                },
            );
        }
        let routes = raw
            .trigger
            .http
            .into_iter()
            .map(|t| {
                if !components.contains_key(&t.component) {
                    bail!("route {} names unknown component {}", t.route, t.component);
                }
                Ok((t.route, t.component))
            })
            .collect::<Result<_>>()?;
        Ok(Manifest { routes, components })
    }

    /// Every route and the component it goes to, in manifest order.
    pub fn routes(&self) -> &[(String, String)] {
        &self.routes
    }

    /// Spin's rule: the most specific matching route wins. Segment by
    /// segment, a literal beats a `:name` parameter, which beats the
    /// trailing `...` wildcard; among wildcards the longer prefix wins.
    pub fn route(&self, path: &str) -> Option<&Grants> {
        let id = self
            .routes
            .iter()
            .filter_map(|(r, c)| specificity(r, path).map(|s| (s, c)))
            .max_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, c)| c)?;
        self.components.get(id)
    }
}

/// How specifically `route` matches `path`, if it does: per segment, 3 for
/// a literal, 2 for a parameter, 1 for the wildcard's place.
fn specificity(route: &str, path: &str) -> Option<Vec<u8>> {
    let (fixed, wildcard) = match route.strip_suffix("/...") {
        Some(prefix) => (prefix, true),
        None => (route, false),
    };
    let want: Vec<&str> = fixed.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    if got.len() < want.len() || (!wildcard && got.len() != want.len()) {
        return None;
    }
    let mut score = Vec::with_capacity(want.len() + 1);
    for (w, g) in want.iter().zip(&got) {
        if w.starts_with(':') && !g.is_empty() {
            score.push(2);
        } else if w == g {
            score.push(3);
        } else {
            return None;
        }
    }
    if wildcard {
        score.push(1);
    }
    Some(score)
}

/// The SQLite labels `spin-runtime-config.toml` (beside `spin.toml`)
/// defines: `[sqlite_database.<label>]` tables.
pub fn runtime_config_databases(root: &Path) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct RuntimeConfig {
        #[serde(default)]
        sqlite_database: BTreeMap<String, toml::Value>,
    }
    let path = root.join("spin-runtime-config.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let config: RuntimeConfig =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(config.sqlite_database.into_keys().collect())
}

#[cfg(test)]
mod specificity_tests {
    use super::specificity;

    #[test]
    fn literals_beat_parameters_beat_wildcards() {
        let path = "/api/tickets/t1/messages";
        let routes = [
            "/...",
            "/api/tickets/...",
            "/api/tickets/:id",
            "/api/tickets/:id/messages",
            "/api/tickets/:id/sla/...",
        ];
        let best = routes
            .iter()
            .filter_map(|r| specificity(r, path).map(|s| (s, *r)))
            .max()
            .unwrap()
            .1;
        assert_eq!(best, "/api/tickets/:id/messages");
        assert_eq!(specificity("/api/tickets/:id", "/api/tickets/t1/sla"), None);
        assert!(specificity("/api/sla/...", "/api/sla").is_some());
        assert!(
            specificity("/api/agents/me", "/api/agents/me")
                > specificity("/api/agents/...", "/api/agents/me")
        );
        assert_eq!(specificity("/api/tickets/:id", "/api/tickets/"), None);
    }
}
