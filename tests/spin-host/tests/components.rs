//! The shared end-to-end cases against the Spin components, each request in
//! a fresh instance of the component `spin.toml` routes it to, and proof
//! that a component using something its manifest does not grant fails.
//! Needs the components built (`make spin-build`; `make test` does it).

use bytes::Bytes;
use edgedesk_e2e::{Transport, WireRequest, WireResponse, call_tool, mock_llm, repo_root, run_all};
use edgedesk_spin_host::SpinHost;
use http_body_util::Full;
use serde_json::json;
use std::collections::HashMap;

fn manifest() -> String {
    std::fs::read_to_string(repo_root().join("spin.toml")).unwrap()
}

/// A host with migrations applied and the sample data plus test fixtures
/// loaded through the same SQL loader `spin up --sqlite @...` uses.
fn host(manifest: &str, llm_url: &str) -> SpinHost {
    host_with(manifest, llm_url, "http://127.0.0.1:9")
}

/// With the intelligence service at `quimbi_url`.
fn host_with(manifest: &str, llm_url: &str, quimbi_url: &str) -> SpinHost {
    host_with_values(manifest, llm_url, quimbi_url, Vec::new())
}

/// With more application variables, or other values for them.
fn host_with_values(
    manifest: &str,
    llm_url: &str,
    quimbi_url: &str,
    more: Vec<(String, String)>,
) -> SpinHost {
    let root = repo_root();
    let origin = llm_url.split("/v1").next().unwrap().to_string();
    let mut values: HashMap<String, String> = [
        ("hmac_secret", "dev-secret,previous-secret"),
        ("allowed_origin", "http://localhost:3000"),
        ("llm_api_url", llm_url),
        ("llm_origin", &origin),
        ("llm_model", "mock-model"),
        ("llm_timeout_ms", "1500"),
        ("secret_key", edgedesk_e2e::support::SECRET_KEY),
        ("quimbi_base_url", quimbi_url),
        ("quimbi_origin", quimbi_url),
        ("quimbi_api_key", edgedesk_e2e::mock_quimbi::API_KEY),
        ("quimbi_timeout_ms", "1000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    values.extend(more);
    let host = SpinHost::load(&root, manifest, &values).unwrap();
    host.load_data(&root, &["sample_data", "tests/fixtures"])
        .unwrap();
    host
}

/// Where requests on the host say they went.
const BASE: &str = "http://127.0.0.1:3000";

struct SpinTransport<'a> {
    host: &'a SpinHost,
    rt: tokio::runtime::Runtime,
}

impl<'a> SpinTransport<'a> {
    fn new(host: &'a SpinHost) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        SpinTransport { host, rt }
    }
}

impl Transport for SpinTransport<'_> {
    fn send(&self, req: WireRequest) -> Result<WireResponse, String> {
        let mut builder = http::Request::builder()
            .method(req.method.as_str())
            .uri(format!("{BASE}{}", req.path));
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if !req.body.is_empty() {
            builder = builder.header("content-length", req.body.len().to_string());
        }
        let request = builder
            .body(Full::new(Bytes::from(req.body)))
            .map_err(|e| e.to_string())?;
        let res = self
            .rt
            .block_on(self.host.handle(request))
            .map_err(|e| format!("{e:?}"))?;
        Ok(WireResponse {
            status: res.status,
            headers: res.headers,
            body: res.body,
        })
    }
}

#[test]
fn shared_cases_pass_on_spin_components() {
    let llm = mock_llm::start();
    let host = host(&manifest(), &llm.url);
    let t = SpinTransport::new(&host);
    let (passed, failures) = run_all(&t, "dev-secret");
    assert!(failures.is_empty(), "{failures}");
    eprintln!("{passed} shared cases passed on the Spin components");

    // The LLM path: outbound HTTP granted, the key-value cache, fallback, time-out.
    mock_llm::check_llm_path(&t, "dev-secret", &llm);

    assert_eq!(host.violations(), Vec::<String>::new());
}

/// Removes one line from one component's tables (`[component.x]`,
/// `[component.x.variables]`, ...) in the manifest.
fn without(manifest: &str, component: &str, line: &str) -> String {
    let own = format!("[component.{component}");
    let start = manifest
        .find(&format!("{own}]"))
        .expect("component section");
    // The section runs until a table header of another component.
    let end = manifest[start..]
        .match_indices("\n[component.")
        .map(|(i, _)| start + i)
        .find(|&i| !manifest[i + 1..].starts_with(&format!("{own}.")) && i > start)
        .unwrap_or(manifest.len());
    let section = &manifest[start..end];
    let line = line.trim_end();
    assert!(section.contains(line), "{component} has no line {line}");
    format!(
        "{}{}{}",
        &manifest[..start],
        section.replacen(line, "", 1),
        &manifest[end..]
    )
}

#[test]
fn a_use_the_manifest_does_not_grant_is_refused() {
    let llm = mock_llm::start();
    let base = manifest();
    let cases = [
        (
            without(
                &base,
                "get-contract-info",
                "sqlite_databases = [\"copilot\"]\n",
            ),
            "get_contract_info",
            json!({"customerId": "acme-001"}),
            "get-contract-info: sqlite database 'copilot' not granted",
        ),
        (
            without(
                &base,
                "calculate-health",
                "health_weights = \"{{ health_weights }}\"\n",
            ),
            "calculate_health",
            json!({"customerId": "acme-001"}),
            "calculate-health: variable 'health_weights' not granted",
        ),
        (
            without(
                &base,
                "generate-email",
                "key_value_stores = [\"default\"]\n",
            ),
            "generate_email",
            json!({"customerId": "acme-001", "params": {"purpose": "check_in"}}),
            "generate-email: key-value store 'default' not granted",
        ),
        (
            without(
                &base,
                "generate-email",
                "allowed_outbound_hosts = [\"{{ llm_origin }}\"]\n",
            ),
            "generate_email",
            json!({"customerId": "acme-001", "params": {"purpose": "check_in"}}),
            "generate-email: outbound request to",
        ),
    ];
    for (manifest, tool, body, violation) in cases {
        let host = host(&manifest, &llm.url);
        let t = SpinTransport::new(&host);
        let _ = call_tool(&t, "dev-secret", tool, &body);
        let seen = host.violations();
        assert!(
            seen.iter().any(|v| v.starts_with(violation)),
            "expected a violation '{violation}', saw {seen:?}"
        );
    }
    // The unmodified manifest grants everything the same calls use.
    let host = host(&base, &llm.url);
    let t = SpinTransport::new(&host);
    for tool in ["get_contract_info", "calculate_health"] {
        let (status, v) =
            call_tool(&t, "dev-secret", tool, &json!({"customerId": "acme-001"})).unwrap();
        assert_eq!(status, 200, "{v}");
    }
    assert_eq!(host.violations(), Vec::<String>::new());
}

/// Like Spin, the host refuses a manifest that grants a SQLite database the
/// runtime config does not define, and a component cannot open another
/// product's database by label.
#[test]
fn databases_are_per_product_and_must_be_defined() {
    let llm = mock_llm::start();
    let base = manifest();
    let undefined = base.replacen(
        "sqlite_databases = [\"copilot\"]",
        "sqlite_databases = [\"nobody\"]",
        1,
    );
    let values = HashMap::from([("hmac_secret".to_string(), "x".to_string())]);
    let err = match SpinHost::load(&repo_root(), &undefined, &values) {
        Ok(_) => panic!("an undefined database was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("'nobody'"), "{err}");

    // Granted `default` instead of its own: the copilot's component then
    // cannot reach its data, and says so without internals.
    let wrong = without(
        &base,
        "get-contract-info",
        "sqlite_databases = [\"copilot\"]\n",
    )
    .replacen(
        "[component.get-contract-info]\n",
        "[component.get-contract-info]\nsqlite_databases = [\"default\"]\n",
        1,
    );
    let host = host(&wrong, &llm.url);
    let t = SpinTransport::new(&host);
    let (status, v) = call_tool(
        &t,
        "dev-secret",
        "get_contract_info",
        &json!({"customerId": "acme-001"}),
    )
    .unwrap();
    assert_eq!(status, 500, "{v}");
    assert_eq!(v["error"]["code"], "TOOL_FAILURE");
    assert!(
        host.violations()
            .iter()
            .any(|v| v.starts_with("get-contract-info: sqlite database 'copilot' not granted")),
        "{:?}",
        host.violations()
    );
}

/// Each component is built with the size profile and links only what it
/// serves; keep every one within its budget. Every component logs each
/// request as one JSON line with its id, route and timing (about 20 KB).
/// A copilot tool component serves one route: 425 KB. A support component serves a resource group
/// (up to eight routes, with the session-token check, the SLA clocks and
/// business-hours arithmetic they share): 550 KB. A receptionist group
/// that takes bookings (voice, sms, widget, chat) carries the whole
/// conversation: the engine, the day and time phrase parser,
/// availability, the owner's texts through Twilio and the Google Calendar
/// client, and what every receptionist component carries to run for many
/// businesses: the rate limiter, the counters and error reporting (about
/// 45 KB): 700 KB; so does the owners' group (`receptionist-owner`), which
/// books and moves appointments on the same store and calendar client and
/// adds password hashing and session tokens. `api-description` links no
/// product code, only every route's description and each product's schema
/// fragment, so it grows with what is described: 550 KB. (Sizes of release builds
/// with the machine's one toolchain are reproducible.)
#[test]
fn every_component_is_within_the_size_budget() {
    const TOOL_BUDGET: u64 = 425_000;
    const GROUP_BUDGET: u64 = 550_000;
    const RECEPTIONIST_BUDGET: u64 = 700_000;
    // The description carries every product's schema fragment.
    const DESCRIPTION_BUDGET: u64 = 750_000;
    // The uploads component checks, sums and compresses files and, with no
    // queue on Spin, runs the day's analysis when the last store reports.
    const SALES_BUDGET: u64 = 800_000;
    const COACHING_BUDGET: u64 = 700_000;
    const REALTIME_BUDGET: u64 = 850_000;
    let values = HashMap::from([("hmac_secret".to_string(), "unused".to_string())]);
    let m =
        edgedesk_spin_host::manifest::Manifest::parse(&manifest(), &repo_root(), &values).unwrap();
    let mut sizes: Vec<(u64, &str)> = m
        .components
        .values()
        .map(|g| {
            let len = std::fs::metadata(&g.source)
                .unwrap_or_else(|e| panic!("{}: {e}; run make spin-build", g.source.display()))
                .len();
            (len, g.component.as_str())
        })
        .collect();
    sizes.sort();
    for (len, component) in &sizes {
        eprintln!("{len:>8} B  {component}");
    }
    let over: Vec<_> = sizes
        .iter()
        .filter(|(len, c)| {
            let budget = if c.starts_with("support-") {
                GROUP_BUDGET
            } else if c.starts_with("receptionist-") {
                RECEPTIONIST_BUDGET
            } else if c.starts_with("sales-") {
                SALES_BUDGET
            } else if *c == "coaching-realtime" {
                // The protocol, the pipeline's stages and every model and
                // speech provider.
                REALTIME_BUDGET
            } else if c.starts_with("coaching-") {
                // RS256 verification (jsonwebtoken with rsa) comes with
                // every coaching route.
                COACHING_BUDGET
            } else if *c == "api-description" {
                DESCRIPTION_BUDGET
            } else {
                TOOL_BUDGET
            };
            *len > budget
        })
        .collect();
    assert!(over.is_empty(), "over budget: {over:?}");
    assert_eq!(
        sizes.len(),
        29,
        "the catalogue, the API description, six tools, eight support groups, seven receptionist groups, three sales groups and three coaching groups"
    );
}

/// A tool's component serves its own tool only, even when a manifest routes
/// another tool's path to it.
#[test]
fn a_tool_component_answers_only_for_its_own_tool() {
    let llm = mock_llm::start();
    let route = "route = \"/tools/get_recent_tickets\"\ncomponent = \"get-recent-tickets\"";
    let base = manifest();
    assert!(base.contains(route));
    let misrouted = base.replace(
        route,
        "route = \"/tools/get_recent_tickets\"\ncomponent = \"get-customer-usage\"",
    );
    let host = host(&misrouted, &llm.url);
    let t = SpinTransport::new(&host);
    let body = json!({"customerId": "acme-001"});
    let (status, v) = call_tool(&t, "dev-secret", "get_recent_tickets", &body).unwrap();
    assert_eq!(status, 404, "{v}");
    assert_eq!(v["error"]["code"], "INVALID_INPUT", "{v}");
    // Its own route still works on the same host.
    let (status, v) = call_tool(&t, "dev-secret", "get_customer_usage", &body).unwrap();
    assert_eq!(status, 200, "{v}");
}

/// The support walk on the support components, against the sample
/// dataset loaded as `spin up --sqlite @file:support` would, and the AI
/// routes against a stand-in intelligence service.
#[test]
fn the_support_walk_passes_on_spin_components() {
    let llm = mock_llm::start();
    let quimbi = edgedesk_e2e::mock_quimbi::start();
    let host = host_with(&manifest(), &llm.url, &quimbi.url);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    host.run_sql("support", &edgedesk_e2e::support::sample_sql(now))
        .unwrap();
    let t = SpinTransport::new(&host);
    edgedesk_e2e::support::scenario(&t);
    edgedesk_e2e::mock_quimbi::check_ai_path(&t, &|id| quimbi.calls(id));
    assert!(host.violations().is_empty(), "{:?}", host.violations());
}

/// Every support route on its Spin component, as its documented example
/// calls it: each on the sample dataset afresh, after the SQL that sets
/// its scene, answered with a success.
#[test]
fn every_support_route_answers_its_example_on_spin() {
    use edgedesk_core::jwt;
    use edgedesk_core::signing::{Target, sign_call};
    let llm = mock_llm::start();
    let quimbi = edgedesk_e2e::mock_quimbi::start();
    let host = host_with(&manifest(), &llm.url, &quimbi.url);
    let t = SpinTransport::new(&host);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let dataset = edgedesk_e2e::support::sample_sql(now);
    let key = jwt::Key::new(edgedesk_e2e::support::SECRET_KEY.as_bytes());
    let mut failures = Vec::new();
    for info in edgedesk_support::routes::infos() {
        let op = info.operation.id;
        let example = edgedesk_support::openapi::example(op);
        host.run_sql("support", edgedesk_support::sample::CLEAR)
            .unwrap();
        host.run_sql("support", &dataset).unwrap();
        if !example.setup.is_empty() {
            host.run_sql("support", example.setup).unwrap();
        }
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        let body = example
            .body
            .as_ref()
            .map(|b| b.to_string())
            .unwrap_or_default();
        if !example.agent.is_empty() {
            let claims = json!({"sub": example.agent, "iat": now / 1000, "exp": now / 1000 + 600, "jti": op});
            let token = jwt::sign(&key, claims.as_object().unwrap());
            headers.push(("authorization".into(), format!("Bearer {token}")));
        } else if op == "sla_sweep" {
            let target = Target {
                method: example.method,
                path: example.path,
            };
            let sig = sign_call(b"dev-secret", now, "scheduler", target, body.as_bytes());
            headers.push(("x-timestamp".into(), now.to_string()));
            headers.push(("x-client".into(), "scheduler".into()));
            headers.push(("x-signature".into(), sig));
        }
        let res = t
            .send(WireRequest {
                method: example.method.into(),
                path: example.path.into(),
                headers,
                body: body.into_bytes(),
            })
            .unwrap();
        if !(200..300).contains(&res.status) {
            failures.push(format!(
                "{op}: {} {}",
                res.status,
                String::from_utf8_lossy(&res.body)
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(host.violations().is_empty(), "{:?}", host.violations());
}

/// The receptionist on its six components: texts, calls and the widget,
/// deliveries acted on once even when sent at once, two channels racing
/// for one time, the owner texted through a Twilio stand-in, and Google
/// Calendar both ways through a Google stand-in, on the demo salon loaded
/// as `spin up --sqlite @file:receptionist` would.
#[test]
fn the_receptionist_passes_on_spin_components() {
    use edgedesk_e2e::receptionist;
    let llm = mock_llm::start();
    let twilio = receptionist::start_twilio();
    let google = edgedesk_e2e::mock_google::start();
    let sentry = edgedesk_e2e::observability::start_sentry();
    // Spin variable names are the settings' names in lower case; the
    // stand-ins are allowed as outbound hosts through their origins.
    let mut values: Vec<(String, String)> = receptionist::vars(BASE, &twilio, &google)
        .into_iter()
        .chain(edgedesk_e2e::observability::vars(&sentry))
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    values.extend([
        ("sentry_origin".to_string(), sentry.url.clone()),
        ("twilio_api_origin".to_string(), twilio.url.clone()),
        ("google_oauth_origin".to_string(), google.url.clone()),
        ("google_calendar_origin".to_string(), google.url.clone()),
    ]);
    let host = host_with_values(&manifest(), &llm.url, "http://127.0.0.1:9", values);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    host.run_sql("receptionist", &receptionist::sample_sql(now))
        .unwrap();
    let t = SpinTransport::new(&host);
    let count = |sql: &str| host.query_i64("receptionist", sql).unwrap();
    receptionist::scenario(&t, BASE, &count, &twilio);
    receptionist::calendar_both_ways(&t, BASE, "dev-secret", &count, &google);
    receptionist::other_routes(&t, BASE, "dev-secret", &count);
    let figures = edgedesk_e2e::limits::exact_under_concurrency(
        &t,
        |ip| ("spin-client-addr".into(), format!("{ip}:50000")),
        "203.0.113.50",
        50,
    );
    eprintln!("rate limit on the Spin host: {figures:?}");
    edgedesk_e2e::observability::check(
        &t,
        &sentry,
        &figures,
        &edgedesk_e2e::observability::prometheus_python(),
        &repo_root().join("target"),
    );
    edgedesk_e2e::owners::scenario(&t, BASE, &count, &google);
    // The racing deliveries really were served at once, each in its own
    // instance with its own database connection.
    eprintln!(
        "at most {} requests at once on the host",
        host.peak_concurrency()
    );
    assert!(
        host.peak_concurrency() >= 2,
        "requests never overlapped on the host"
    );
    assert!(host.violations().is_empty(), "{:?}", host.violations());
}

#[test]
fn the_sales_pipeline_passes_on_spin_components() {
    use edgedesk_e2e::sales;
    let llm = mock_llm::start();
    let hooks = sales::start_hooks();
    let mut values: Vec<(String, String)> = sales::vars(BASE, &hooks)
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    values.extend([
        ("alert_origin".to_string(), hooks.url.clone()),
        ("report_origin".to_string(), hooks.url.clone()),
    ]);
    let host = host_with_values(&manifest(), &llm.url, "http://127.0.0.1:9", values);
    host.run_sql("sales", &sales::keys_sql()).unwrap();
    let t = SpinTransport::new(&host);
    let count = |sql: &str| host.query_i64("sales", sql).unwrap();
    // Spin has no cron here: the external scheduler's call.
    let fallback = || {
        let today = edgedesk_e2e::sales::today_utc();
        let res = t
            .send(WireRequest {
                method: "POST".into(),
                path: "/api/sales/analysis/run".into(),
                headers: vec![
                    ("authorization".into(), format!("Bearer {}", sales::ADMIN)),
                    ("content-type".into(), "application/json".into()),
                ],
                body: json!({"date": today, "trigger": "schedule"})
                    .to_string()
                    .into_bytes(),
            })
            .unwrap();
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    };
    sales::scenario(
        &t,
        &sales::Runtime {
            name: "spin",
            count: &count,
            fallback: &fallback,
        },
        &hooks,
    );
    assert!(host.violations().is_empty(), "{:?}", host.violations());
}

#[test]
fn the_coaching_routes_pass_on_spin_components() {
    use edgedesk_e2e::coaching;
    let llm = mock_llm::start();
    let jwks = coaching::start_jwks();
    let mut values: Vec<(String, String)> = coaching::vars(&jwks)
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    values.push(("workos_jwks_origin".to_string(), jwks.origin.clone()));
    let host = host_with_values(&manifest(), &llm.url, "http://127.0.0.1:9", values);
    let t = SpinTransport::new(&host);
    coaching::scenario(&t, &jwks);
    // The realtime coach over HTTP, its frames streamed as events.
    coaching::realtime_over_http(&t, &jwks);
    coaching::cancel_over_http(&t, &jwks);
    assert!(host.violations().is_empty(), "{:?}", host.violations());
}

/// Every coaching route goes to its group's component, and nothing else
/// goes to theirs.
#[test]
fn every_coaching_route_goes_to_its_groups_component() {
    use edgedesk_coaching::routes::{group_of, infos};
    let values = HashMap::from([("hmac_secret".to_string(), "unused".to_string())]);
    let m =
        edgedesk_spin_host::manifest::Manifest::parse(&manifest(), &repo_root(), &values).unwrap();
    let infos = infos();
    for info in &infos {
        let want = format!(
            "coaching-{}",
            format!("{:?}", group_of(info.operation.id)).to_ascii_lowercase()
        );
        let path = info.path.replace("{id}", "x1").replace("{user_id}", "u1");
        let got = m.route(&path).map(|g| g.component.as_str());
        assert_eq!(got, Some(want.as_str()), "{} {}", info.method, info.path);
    }
    for (route, component) in m.routes() {
        if component.starts_with("coaching-") {
            let prefix = route.trim_end_matches("/...");
            assert!(
                infos.iter().any(|i| i.path.starts_with(prefix)),
                "{route} goes to {component} but no coaching route is under it"
            );
        }
    }
}

/// Every receptionist route is routed to its group's component, and every
/// route those components have in the manifest is one of the product's.
#[test]
fn every_receptionist_route_goes_to_its_groups_component() {
    use edgedesk_receptionist::routes::{group_of, infos};
    let values = HashMap::from([("hmac_secret".to_string(), "unused".to_string())]);
    let m =
        edgedesk_spin_host::manifest::Manifest::parse(&manifest(), &repo_root(), &values).unwrap();
    let infos = infos();
    for info in &infos {
        let want = format!(
            "receptionist-{}",
            format!("{:?}", group_of(info.operation.id)).to_ascii_lowercase()
        );
        let got = m.route(info.path).map(|g| g.component.as_str());
        assert_eq!(got, Some(want.as_str()), "{} {}", info.method, info.path);
    }
    // Spin writes a path parameter `:name` where the table has `{name}`.
    let spin_path = |path: &str| {
        path.split('/')
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => format!(":{name}"),
                    None => s.to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join("/")
    };
    for (route, component) in m.routes() {
        if component.starts_with("receptionist-") {
            assert!(
                infos.iter().any(|i| spin_path(i.path) == *route),
                "{route} is routed to {component} but is no receptionist route"
            );
        }
    }
}

/// Every sales route goes to its group's component, and nothing else goes
/// to theirs.
#[test]
fn every_sales_route_goes_to_its_groups_component() {
    use edgedesk_sales::routes::{group_of, infos};
    let values = HashMap::from([("hmac_secret".to_string(), "unused".to_string())]);
    let m =
        edgedesk_spin_host::manifest::Manifest::parse(&manifest(), &repo_root(), &values).unwrap();
    for info in infos() {
        let want = format!(
            "sales-{}",
            format!("{:?}", group_of(info.operation.id)).to_ascii_lowercase()
        );
        // A concrete path of the template, as a request has.
        let path = info
            .path
            .replace("{area}", "processed")
            .replace("{date}", "2026-10-31")
            .replace("{file}", "store-001.json")
            .replace("{store_id}", "store-001")
            .replace("{key}", "raw%2F2026-10-31%2Fstore-001.json")
            .replace("{id}", "key_1");
        let got = m.route(&path).map(|g| g.component.as_str());
        assert_eq!(got, Some(want.as_str()), "{} {}", info.method, info.path);
    }
    for (route, component) in m.routes() {
        if component.starts_with("sales-") {
            assert!(
                route.starts_with("/api/sales/"),
                "{route} goes to {component}"
            );
        }
    }
}

/// The Twilio token is read only where granted: without it in the sms
/// component's manifest, a signed text is refused and the use recorded.
#[test]
fn the_receptionist_reads_only_granted_variables() {
    use edgedesk_e2e::receptionist;
    let llm = mock_llm::start();
    let manifest = without(
        &manifest(),
        "receptionist-sms",
        "twilio_auth_token = \"{{ twilio_auth_token }}\"\n",
    );
    let values = vec![(
        "twilio_auth_token".to_string(),
        receptionist::DEV_TWILIO_TOKEN.to_string(),
    )];
    let host = host_with_values(&manifest, &llm.url, "http://127.0.0.1:9", values);
    host.run_sql("receptionist", &receptionist::sample_sql(0))
        .unwrap();
    let t = SpinTransport::new(&host);
    let req = receptionist::twilio_request(
        BASE,
        "/v1/twilio/sms",
        &[
            ("From", "+13125550100"),
            ("To", receptionist::NUMBER),
            ("Body", "book"),
        ],
    );
    let res = t.send(req).unwrap();
    assert_eq!(res.status, 503, "{}", String::from_utf8_lossy(&res.body));
    assert!(
        host.violations()
            .iter()
            .any(|v| v == "receptionist-sms: variable 'twilio_auth_token' not granted"),
        "{:?}",
        host.violations()
    );
}
