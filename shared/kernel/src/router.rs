//! The route table and the per-request pipeline: match, CORS, auth policy,
//! dispatch, and the headers every answer carries.
//!
//! Every product lists its routes as [`Route`]s; a deployment composes the
//! tables of the products it serves into one [`Routes`]. A deployment that
//! serves a single route (one Spin component per tool) uses [`serve_one`],
//! which links no router at all.

use crate::bearer;
use crate::http::{Request, Response};
use crate::observe::{self, Report};
use crate::platform::{Clock, KERNEL, Platform, Product};
use crate::{config, cors, limiter, operator, presigned, signed};
use edgedesk_core::envelope::ApiError;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

/// What a handler answers with, boxed so routes of one table share a type.
pub type Reply<'a> = Pin<Box<dyn Future<Output = Response> + 'a>>;

/// A route's handler. Its call carries a platform scoped to the route's
/// product and the request, already authenticated by the route's policy.
pub type Handler<P> = for<'a> fn(Call<'a, P>) -> Reply<'a>;

/// One request as a handler sees it.
pub struct Call<'a, P> {
    pub p: &'a P,
    pub req: &'a Request,
    /// The path's `{name}` parameters.
    pub params: &'a PathParams,
    /// The deployment: its routes and API description, for the routes that
    /// describe it (`/openapi.json`, `/docs`).
    pub api: &'a Api<'a>,
}

// Every field is a reference: a call copies freely, whatever the platform.
impl<P> Clone for Call<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Call<'_, P> {}

/// What a deployment serves, as its documentation routes describe it.
pub struct Api<'a> {
    /// Method, path, policy, product and operation of every route.
    pub routes: &'a [RouteInfo],
    /// The schema fragments of the products served (`openapi.json` of
    /// each product crate).
    pub fragments: &'a [&'static str],
    /// The assembled document, built on first use and kept as long as the
    /// table (a Worker isolate's lifetime).
    pub document: &'a OnceLock<Value>,
}

/// A route without its handler.
#[derive(Debug, Clone, Copy)]
pub struct RouteInfo {
    pub method: &'static str,
    /// matchit syntax: `/tools/{name}`.
    pub path: &'static str,
    pub auth: Auth,
    pub product: &'static Product,
    pub operation: Operation,
}

/// Who may call a route; the kernel checks it before the handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Anyone.
    Public,
    /// An HMAC-signed call (`X-Timestamp`, `X-Client`, `X-Signature`),
    /// accepted once.
    Signed,
    /// A signed call to a route that only reads: once the signature checks
    /// out, the handler runs while the replay record is written, and its
    /// answer is dropped if the call was a replay. Never for a route that
    /// writes or calls out (an LLM costs money per call).
    SignedRead,
    /// `Authorization: Bearer <token>`: an HS256 session token signed with
    /// `SECRET_KEY`, unexpired. The handler verifies it with
    /// [`bearer::verify`] before anything else (answering a refusal with
    /// [`bearer_refusal`]), then decides what the subject may do and
    /// whether the token was revoked.
    Bearer,
    /// `Authorization: Bearer <OPERATOR_TOKEN>`, checked by the kernel
    /// ([`crate::operator`]).
    Operator,
    /// `Authorization: Bearer <api key>`: an opaque key the product looks
    /// up (stored hashed, with a role) in its handler.
    ApiKey,
    /// `Authorization: Bearer <access token>` from the organisation's
    /// identity provider (an RS256 JWT checked against its JWKS), which
    /// the product's handler verifies and maps to a user, an organisation
    /// and a role.
    Sso,
    /// A presigned URL ([`crate::presigned`]), checked by the kernel; the
    /// route takes a body as large as the URL grants.
    Presigned,
}

impl Product {
    /// One of this product's routes, as its table lists it.
    pub fn route(
        &'static self,
        method: &'static str,
        path: &'static str,
        auth: Auth,
        id: &'static str,
        summary: &'static str,
        description: &'static str,
    ) -> RouteInfo {
        RouteInfo {
            method,
            path,
            auth,
            product: self,
            operation: Operation {
                id,
                summary,
                description,
            },
        }
    }
}

/// What a product's group table answers for an operation that is not in
/// that group: `grouped` never asks, and each product's test checks that
/// every operation has its group's own handler.
pub fn unrouted<P: Platform>(c: Call<'_, P>) -> Reply<'_> {
    Box::pin(async move { no_endpoint(c.req) })
}

impl RouteInfo {
    /// The largest body an adapter reads for `req` on this route.
    pub fn body_limit(&self, req: &Request) -> usize {
        match self.auth {
            Auth::Presigned => crate::presigned::body_limit(req),
            _ => crate::http::MAX_BODY_BYTES,
        }
    }
}

/// What the API documentation says of a route.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// Unique across every product (`calculate_health`, ...).
    pub id: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
}

/// A route: what it is, and the handler that answers it.
pub struct Route<P> {
    pub info: RouteInfo,
    pub handler: Handler<P>,
}

/// A path's `{name}` parameters, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathParams(pub Vec<(String, String)>);

impl PathParams {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The routes of one group of a product's table: those of `infos` that
/// `group_of` puts in `group`, each with the handler its group's table
/// names. A product that deploys a component per group gives each group
/// its own handler table, so a component links only its group's handlers.
pub fn grouped<P, G: PartialEq>(
    infos: Vec<RouteInfo>,
    group: G,
    group_of: fn(&str) -> G,
    handler: fn(&str) -> Handler<P>,
) -> Vec<Route<P>> {
    infos
        .into_iter()
        .filter(|i| group_of(i.operation.id) == group)
        .map(|info| Route {
            handler: handler(info.operation.id),
            info,
        })
        .collect()
}

/// Makes the platform a route's handler runs on, scoped to its product.
pub trait Scope {
    type Platform: Platform;
    fn scope(&self, product: &'static Product) -> Self::Platform;
}

impl<F: Fn(&'static Product) -> P, P: Platform> Scope for F {
    type Platform = P;
    fn scope(&self, product: &'static Product) -> P {
        self(product)
    }
}

/// A rate-limit check before a handler: the refusal, or `None`.
pub type LimitHook<P> =
    for<'a> fn(&'a P, &'a Request) -> Pin<Box<dyn Future<Output = Option<Response>> + 'a>>;

/// Work after an answer: counters and error tracking.
pub type AfterHook<P> = for<'a> fn(&'a P, &'a Report) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// What a table does around its handlers besides CORS and auth. Held as
/// function pointers so that only deployments that turn them on link the
/// limiter, the counters and error tracking.
struct Hooks<P> {
    limit: LimitHook<P>,
    after: AfterHook<P>,
}

/// The composed route table of a deployment.
pub struct Routes<P> {
    hooks: Option<Hooks<P>>,
    routes: Vec<Route<P>>,
    /// One entry per distinct path: the path and its routes (one a method).
    paths: Vec<(&'static str, Vec<usize>)>,
    /// Path -> index into `paths`.
    router: matchit::Router<usize>,
    infos: Vec<RouteInfo>,
    fragments: Vec<&'static str>,
    document: OnceLock<Value>,
}

impl<P: Platform> Routes<P> {
    pub fn new() -> Self {
        Routes {
            routes: Vec::new(),
            paths: Vec::new(),
            router: matchit::Router::new(),
            infos: Vec::new(),
            fragments: Vec::new(),
            document: OnceLock::new(),
            hooks: None,
        }
    }

    /// Turns on the rate limiter ([`limiter`]) before handlers and
    /// [`observe::after`] for the adapter to run once it has answered.
    pub fn observed(mut self) -> Self {
        self.hooks = Some(Hooks {
            limit: |p, req| Box::pin(limiter::refusal(p, req)),
            after: |p, report| Box::pin(observe::after(p, report)),
        });
        self
    }

    /// The counters and error tracking of an answered request, when the
    /// table is [`observed`](Routes::observed).
    pub async fn after(&self, p: &P, report: &Report) {
        if let Some(h) = &self.hooks {
            (h.after)(p, report).await;
        }
    }

    /// Adds routes that other deployments of the same application serve
    /// (the other Spin components) to the API description only.
    pub fn describing(mut self, routes: Vec<RouteInfo>) -> Self {
        self.infos.extend(routes);
        self
    }

    /// Adds a product's schema fragment to the API description.
    pub fn documented(mut self, fragment: &'static str) -> Self {
        self.fragments.push(fragment);
        self
    }

    fn api(&self) -> Api<'_> {
        Api {
            routes: &self.infos,
            fragments: &self.fragments,
            document: &self.document,
        }
    }

    /// Adds a product's routes. Panics on a duplicate method and path, or
    /// on paths matchit cannot tell apart: a table is built once at start,
    /// and a test builds every table.
    pub fn with(mut self, routes: Vec<Route<P>>) -> Self {
        for route in routes {
            let index = self.routes.len();
            let RouteInfo { method, path, .. } = route.info;
            match self.paths.iter_mut().find(|(p, _)| *p == path) {
                Some((_, on_path)) => {
                    let clash = on_path
                        .iter()
                        .any(|&i| self.routes[i].info.method == method);
                    assert!(!clash, "{method} {path} is routed twice");
                    on_path.push(index);
                }
                None => {
                    self.router
                        .insert(path, self.paths.len())
                        .unwrap_or_else(|e| panic!("route {path}: {e}"));
                    self.paths.push((path, vec![index]));
                }
            }
            self.infos.push(route.info);
            self.routes.push(route);
        }
        self
    }

    /// The largest body an adapter reads for a request, before reading
    /// it: [`crate::MAX_BODY_BYTES`] but on routes that take more.
    pub fn body_limit(&self, req: &Request) -> usize {
        match self.find(req) {
            Found::Route(route, _) => route.info.body_limit(req),
            _ => crate::http::MAX_BODY_BYTES,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Route<P>> {
        self.routes.iter()
    }

    fn find<'t>(&'t self, req: &Request) -> Found<'t, P> {
        let Ok(m) = self.router.at(&req.path) else {
            return Found::NoPath;
        };
        let params = PathParams(
            m.params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let on_path = self.paths[*m.value].1.iter().map(|&i| &self.routes[i]);
        match on_path
            .clone()
            .find(|r| method_matches(r.info.method, &req.method))
        {
            Some(route) => Found::Route(route, params),
            None => Found::NoMethod(allow_header(on_path.map(|r| r.info.method))),
        }
    }
}

impl<P: Platform> Default for Routes<P> {
    fn default() -> Self {
        Self::new()
    }
}

enum Found<'t, P> {
    Route(&'t Route<P>, PathParams),
    NoMethod(String),
    NoPath,
}

/// `HEAD` is answered wherever `GET` is.
fn method_matches(route: &str, request: &str) -> bool {
    route == request || (route == "GET" && request == "HEAD")
}

fn allow_header<'a>(methods: impl Iterator<Item = &'a str>) -> String {
    let mut allow: Vec<&str> = Vec::new();
    for m in methods {
        allow.push(m);
        if m == "GET" {
            allow.push("HEAD");
        }
    }
    allow.push("OPTIONS");
    allow.join(", ")
}

/// Handles one request with a composed table: the answer, and the report
/// the adapter logs and hands to [`observe::after`] once it has answered.
pub async fn serve<S: Scope>(
    routes: &Routes<S::Platform>,
    scope: &S,
    req: Request,
) -> (Response, Report) {
    let found = routes.find(&req);
    let limit = routes.hooks.as_ref().map(|h| h.limit);
    respond(scope, &req, found, &routes.api(), limit).await
}

/// Handles one request for a deployment that serves exactly one route,
/// matching by hand so no router is linked: anything else is 404 (another
/// path) or 405 (another method).
pub async fn serve_one<S: Scope>(
    route: &Route<S::Platform>,
    scope: &S,
    req: Request,
) -> (Response, Report) {
    let found = match match_path(route.info.path, &req.path) {
        Some(params) if method_matches(route.info.method, &req.method) => {
            Found::Route(route, params)
        }
        Some(_) => Found::NoMethod(allow_header([route.info.method].into_iter())),
        None => Found::NoPath,
    };
    let info = [route.info];
    let document = OnceLock::new();
    let api = Api {
        routes: &info,
        fragments: &[],
        document: &document,
    };
    respond(scope, &req, found, &api, None).await
}

/// Answers a matched (or unmatched) request on a platform scoped to the
/// route's product, or to no product when nothing matched. One code path
/// for every outcome keeps each deployment's binary small.
async fn respond<S: Scope>(
    scope: &S,
    req: &Request,
    found: Found<'_, S::Platform>,
    api: &Api<'_>,
    limit: Option<LimitHook<S::Platform>>,
) -> (Response, Report) {
    let (product, route_path) = match &found {
        Found::Route(route, _) => (route.info.product, route.info.path),
        _ => (&KERNEL, "-"),
    };
    let p = scope.scope(product);
    let started = p.now_ms();
    let id = request_id(&p);
    let mut limited = false;
    let mut res = around(&p, req, &id, async {
        match found {
            Found::Route(route, params) => {
                let call = Call {
                    p: &p,
                    req,
                    params: &params,
                    api,
                };
                let refused = match limit {
                    Some(limit) => limit(&p, req).await,
                    None => None,
                };
                if let Some(refused) = refused {
                    limited = true;
                    return refused;
                }
                match route.info.auth {
                    Auth::Public => (route.handler)(call).await,
                    Auth::Signed => match signed::check(&p, req).await {
                        Ok(()) => (route.handler)(call).await,
                        Err(e) => Response::error(&e),
                    },
                    Auth::SignedRead => match signed::verify(&p, req).await {
                        Ok(verified) => {
                            let recorded = signed::record(&p, &verified);
                            match futures::join!(recorded, (route.handler)(call)) {
                                (Ok(()), answer) => answer,
                                (Err(e), _) => Response::error(&e),
                            }
                        }
                        Err(e) => Response::error(&e),
                    },
                    // The handler checks the token first, through
                    // `bearer::verify`: that way only deployments with
                    // bearer routes link the token code.
                    Auth::Bearer | Auth::ApiKey | Auth::Sso => (route.handler)(call).await,
                    Auth::Presigned => match presigned::check(&p, req).await {
                        Ok(()) => (route.handler)(call).await,
                        Err(e) => Response::error(&e),
                    },
                    Auth::Operator => match operator::check(&p, req).await {
                        Ok(()) => (route.handler)(call).await,
                        Err(e) => bearer_refusal(&e),
                    },
                }
            }
            Found::NoMethod(allow) => not_allowed(&req.method, &allow),
            Found::NoPath => no_endpoint(req),
        }
    })
    .await;
    let (error_code, error_message) = observe::error_of(&res);
    let report = Report {
        request_id: id,
        method: req.method.clone(),
        route: route_path,
        group: observe::group_of(route_path),
        product,
        business_id: res.business.take().or_else(|| named_business(req)),
        status: res.status,
        at_ms: started,
        duration_ms: p.now_ms().saturating_sub(started),
        limited,
        error_code,
        error_message,
    };
    (res, report)
}

/// The tenant a request names itself (`X-Business-ID`, `?business_id=`),
/// when its handler did not say: only a well-formed id, and counters keep
/// it only if the tenant exists.
fn named_business(req: &Request) -> Option<String> {
    // A well-formed id needs no decoding: `%` is not one of its characters.
    let from_query = req
        .query
        .split('&')
        .find_map(|pair| pair.strip_prefix("business_id="));
    req.header("x-business-id")
        .or(from_query)
        .filter(|id| edgedesk_core::ids::validate_id(id).is_ok())
        .map(str::to_string)
}

/// Matches a path against a template whose parameters fill whole segments
/// (`/tickets/{id}`), as matchit does for such templates.
pub fn match_path(template: &str, path: &str) -> Option<PathParams> {
    let mut params = Vec::new();
    let mut want = template.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return Some(PathParams(params)),
            (Some(w), Some(g)) => {
                if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    if g.is_empty() {
                        return None;
                    }
                    params.push((name.to_string(), g.to_string()));
                } else if w != g {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// CORS and the headers every answer carries. `answer` is not polled for a
/// preflight.
async fn around<P: Platform>(
    p: &P,
    req: &Request,
    request_id: &str,
    answer: impl Future<Output = Response>,
) -> Response {
    let allow_list = config::allowed_origin(p).await;
    let origin = cors::allowed_origin(req, allow_list.as_deref()).map(str::to_string);
    let mut res = if cors::is_preflight(req) {
        cors::preflight(origin.as_deref())
    } else {
        answer.await
    };
    cors::decorate(&mut res, origin.as_deref());
    res.set_header("x-request-id", request_id);
    res.set_header("cache-control", "no-store");
    res.set_header("x-content-type-options", "nosniff");
    res
}

fn request_id<P: Platform>(p: &P) -> String {
    let mut id = [0u8; 16];
    p.fill(&mut id);
    hex::encode(id)
}

/// The envelope of a handler's result.
pub fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(data) => Response::ok(&data),
        Err(e) => Response::error(&e),
    }
}

/// A refused bearer call: 401 with the challenge, or the setting's 503.
pub fn bearer_refusal(e: &ApiError) -> Response {
    let mut res = Response::error(e);
    if res.status == 401 {
        res.set_header("www-authenticate", bearer::CHALLENGE);
    }
    res
}

pub fn no_endpoint(req: &Request) -> Response {
    Response::error(&ApiError::invalid(format!("no endpoint at {}", req.path)).with_status(404))
}

pub fn not_allowed(method: &str, allow: &str) -> Response {
    let mut res = Response::error(
        &ApiError::invalid(format!("{method} is not allowed here; use {allow}")).with_status(405),
    );
    res.set_header("allow", allow);
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One route with a single-route matcher and with matchit must agree:
    /// a one-route component answers exactly as the Worker would.
    fn matchit_params(template: &str, path: &str) -> Option<PathParams> {
        let mut r = matchit::Router::new();
        r.insert(template, ()).ok()?;
        let m = r.at(path).ok()?;
        Some(PathParams(
            m.params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
    }

    fn segment() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => "[a-z_.]{1,6}",
            1 => Just(String::new()),
        ]
    }

    proptest! {
        #[test]
        fn single_route_matching_agrees_with_matchit(
            literals in proptest::collection::vec("[a-z_]{1,5}", 1..4),
            params in proptest::collection::vec(any::<bool>(), 1..4),
            path in proptest::collection::vec(segment(), 1..5),
        ) {
            let mut template = String::new();
            for (i, lit) in literals.iter().enumerate() {
                template.push('/');
                if params.get(i).copied().unwrap_or(false) {
                    template.push_str(&format!("{{p{i}}}"));
                } else {
                    template.push_str(lit);
                }
            }
            let path = format!("/{}", path.join("/"));
            prop_assert_eq!(match_path(&template, &path), matchit_params(&template, &path));
            // A path built from the template itself always matches both.
            let own = template
                .split('/')
                .map(|s| if s.starts_with('{') { "x" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            prop_assert_eq!(match_path(&template, &own), matchit_params(&template, &own));
            prop_assert!(match_path(&template, &own).is_some());
        }
    }

    #[test]
    fn allow_lists_methods_with_head_for_get() {
        assert_eq!(allow_header(["GET"].into_iter()), "GET, HEAD, OPTIONS");
        assert_eq!(allow_header(["POST"].into_iter()), "POST, OPTIONS");
        assert_eq!(
            allow_header(["GET", "DELETE"].into_iter()),
            "GET, HEAD, DELETE, OPTIONS"
        );
        assert!(method_matches("GET", "HEAD"));
        assert!(!method_matches("POST", "HEAD"));
    }

    #[test]
    fn path_parameters_are_named() {
        let p = match_path("/tickets/{id}/messages/{n}", "/tickets/t-1/messages/2").unwrap();
        assert_eq!(p.get("id"), Some("t-1"));
        assert_eq!(p.get("n"), Some("2"));
        assert_eq!(match_path("/tickets/{id}", "/tickets/"), None);
        assert_eq!(match_path("/tickets/{id}", "/tickets/a/b"), None);
        assert_eq!(match_path("/tickets", "/tickets/"), None);
    }
}
