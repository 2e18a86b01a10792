//! The coaching product's routes, under HelloSales' paths. Every route but
//! token verification and the legal pages takes the caller's access token
//! (`Authorization: Bearer`), verified and mapped to a member of an
//! organisation before the handler runs ([`crate::tenancy`]).

use crate::PRODUCT;
use crate::compat::{self, answer};
use crate::legal::{self, Page};
use crate::tenancy::{self, Caller};
use crate::{account, feedback, members, playbook, practice};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::router::{Handler, unrouted};
use edgedesk_kernel::{Auth, Call, Platform, Reply, Response, Route, RouteInfo};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// The product's routes in groups, one Spin component each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Sign-in, the caller's profile and organisations, members, feedback
    /// and the legal pages.
    Account,
    /// The playbook, rep assignments and practice sessions.
    Playbook,
    /// The coach over HTTP, and the record of its runs.
    Realtime,
}

pub const GROUPS: [Group; 3] = [Group::Account, Group::Playbook, Group::Realtime];

/// Every route of the product.
pub fn routes<P: Platform>() -> Vec<Route<P>> {
    GROUPS.into_iter().flat_map(group::<P>).collect()
}

/// The routes of one group.
pub fn group<P: Platform>(g: Group) -> Vec<Route<P>> {
    let handler: fn(&str) -> Handler<P> = match g {
        Group::Account => account_handler::<P>,
        Group::Playbook => playbook_handler::<P>,
        Group::Realtime => realtime_handler::<P>,
    };
    edgedesk_kernel::router::grouped(infos(), g, group_of, handler)
}

/// The group an operation belongs to.
pub fn group_of(op: &str) -> Group {
    if op.starts_with("coach_sailwind_") {
        Group::Playbook
    } else if matches!(
        op,
        "coach_realtime_messages" | "coach_ws" | "coach_pipeline_runs" | "coach_pipeline_run"
    ) {
        Group::Realtime
    } else {
        Group::Account
    }
}

type Work<'a> = Pin<Box<dyn Future<Output = Result<Value, ApiError>> + 'a>>;

/// A signed-in route: the caller found from their token, then `f`,
/// answered with `ok`.
fn member<'a, P: Platform>(
    c: Call<'a, P>,
    ok: u16,
    f: fn(Call<'a, P>, Caller) -> Work<'a>,
) -> Reply<'a> {
    Box::pin(async move {
        let result = match tenancy::caller(c.p, c.req).await {
            Ok(caller) => f(c, caller).await,
            Err(e) => Err(e),
        };
        answer(result.map(|v| (ok, v)))
    })
}

fn param<'a, P>(c: &Call<'a, P>, name: &str) -> &'a str {
    c.params.get(name).unwrap_or_default()
}

fn account_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "coach_auth_verify" => {
            |c| Box::pin(async move { answer(account::verify(c.p, c.req).await.map(|v| (200, v))) })
        }
        "coach_auth_me" => |c| {
            member(c, 200, |_, who| {
                Box::pin(async move { Ok(account::me(&who)) })
            })
        },
        "coach_profile" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { account::profile(c.p, &who).await })
            })
        },
        "coach_update_profile" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { account::update_profile(c.p, &who, c.req).await })
            })
        },
        "coach_orgs" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { account::organizations(c.p, &who).await })
            })
        },
        "coach_org" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move {
                    let org = account::organization(c.p, &who, param(&c, "id")).await?;
                    Ok(serde_json::json!(org))
                })
            })
        },
        "coach_feedback" => |c| {
            member(c, 201, |c, who| {
                Box::pin(async move { feedback::report(c.p, &who, c.req).await })
            })
        },
        "coach_members" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { members::list(c.p, &who, c.req).await })
            })
        },
        "coach_update_member" => |c| {
            member(c, 200, |c, who| {
                Box::pin(
                    async move { members::update(c.p, &who, param(&c, "user_id"), c.req).await },
                )
            })
        },
        "coach_remove_member" => |c| {
            Box::pin(async move {
                let result = match tenancy::caller(c.p, c.req).await {
                    Ok(who) => members::remove(c.p, &who, param(&c, "user_id")).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(()) => Response::empty(204),
                    Err(e) => compat::refusal(&e),
                }
            })
        },
        "coach_legal_terms" => |c| Box::pin(legal::page(c.p, Page::Terms)),
        "coach_legal_privacy" => |c| Box::pin(legal::page(c.p, Page::Privacy)),
        _ => unrouted::<P>,
    }
}

fn playbook_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "coach_sailwind_clients" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { playbook::list_clients(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_create_client" => |c| {
            member(c, 201, |c, who| {
                Box::pin(async move { playbook::create_client(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_client" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { playbook::get_client(c.p, &who, param(&c, "id")).await })
            })
        },
        "coach_sailwind_update_client" => |c| {
            member(c, 200, |c, who| {
                Box::pin(
                    async move { playbook::update_client(c.p, &who, param(&c, "id"), c.req).await },
                )
            })
        },
        "coach_sailwind_archive_client" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { playbook::archive_client(c.p, &who, param(&c, "id")).await })
            })
        },
        "coach_sailwind_products" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { playbook::list_products(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_create_product" => |c| {
            member(c, 201, |c, who| {
                Box::pin(async move { playbook::create_product(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_product" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { playbook::get_product(c.p, &who, param(&c, "id")).await })
            })
        },
        "coach_sailwind_update_product" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move {
                    playbook::update_product(c.p, &who, param(&c, "id"), c.req).await
                })
            })
        },
        "coach_sailwind_strategies" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { playbook::list_strategies(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_create_strategy" => |c| {
            member(c, 201, |c, who| {
                Box::pin(async move { playbook::create_strategy(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_update_strategy" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move {
                    playbook::update_strategy(c.p, &who, param(&c, "id"), c.req).await
                })
            })
        },
        "coach_sailwind_rep_assignments" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { practice::list_assignments(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_create_rep_assignment" => |c| {
            member(c, 201, |c, who| {
                Box::pin(async move { practice::create_assignment(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_my_rep_assignments" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { practice::my_assignments(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_my_practice_sessions" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { practice::my_sessions(c.p, &who, c.req).await })
            })
        },
        "coach_sailwind_start_practice" => |c| {
            member(c, 201, |c, who| {
                Box::pin(async move { practice::start(c.p, &who, c.req).await })
            })
        },
        _ => unrouted::<P>,
    }
}

fn realtime_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "coach_realtime_messages" => |c| Box::pin(crate::realtime::http::answer(c.p, c.req)),
        "coach_ws" => |_| {
            Box::pin(async move {
                let mut res = compat::refusal(
                    &ApiError::invalid(
                        "GET /ws upgrades to a WebSocket (Upgrade: websocket); where the deployment has none (Spin), POST /api/v1/realtime/messages speaks the same protocol",
                    )
                    .with_status(426),
                );
                res.set_header("upgrade", "websocket");
                res
            })
        },
        "coach_pipeline_runs" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { crate::runs::list(c.p, &who, c.req).await })
            })
        },
        "coach_pipeline_run" => |c| {
            member(c, 200, |c, who| {
                Box::pin(async move { crate::runs::detail(c.p, &who, param(&c, "id")).await })
            })
        },
        _ => unrouted::<P>,
    }
}

/// Every route without its handler.
pub fn infos() -> Vec<RouteInfo> {
    use Auth::{Public, Sso};
    fn r(
        method: &'static str,
        path: &'static str,
        auth: Auth,
        id: &'static str,
        summary: &'static str,
        description: &'static str,
    ) -> RouteInfo {
        PRODUCT.route(method, path, auth, id, summary, description)
    }
    vec![
        r(
            "POST",
            "/api/v1/auth/verify",
            Public,
            "coach_auth_verify",
            "Verify an access token",
            "{token} → whose it is: the user, their organisation and role, created on first sight. 401 for a token that is not good here (signature, key, algorithm, issuer, audience, expiry, or no org_id claim).",
        ),
        r(
            "GET",
            "/api/v1/auth/me",
            Sso,
            "coach_auth_me",
            "Who I am",
            "The caller: id, email, name, role in the token's organisation and its org_id.",
        ),
        r(
            "GET",
            "/api/v1/profile",
            Sso,
            "coach_profile",
            "My profile",
            "The caller's profile and the organisation the token is for.",
        ),
        r(
            "PATCH",
            "/api/v1/profile",
            Sso,
            "coach_update_profile",
            "Change my profile",
            "{display_name?, onboarding_completed?}.",
        ),
        r(
            "GET",
            "/api/v1/orgs",
            Sso,
            "coach_orgs",
            "My organisations",
            "Every organisation the caller is a member of, with their role; current marks the token's.",
        ),
        r(
            "GET",
            "/api/v1/orgs/{id}",
            Sso,
            "coach_org",
            "One of my organisations",
            "404 for an organisation the caller is not a member of.",
        ),
        r(
            "POST",
            "/api/v1/feedback",
            Sso,
            "coach_feedback",
            "Send feedback",
            "{category, name, time_bucket, description?, scope?, session_id?, interaction_id?} → the recorded report.",
        ),
        r(
            "GET",
            "/api/v1/admin/memberships",
            Sso,
            "coach_members",
            "The organisation's members",
            "Admins. Every member with their role, oldest first; limit 1-200 (50), offset.",
        ),
        r(
            "PATCH",
            "/api/v1/admin/memberships/{user_id}",
            Sso,
            "coach_update_member",
            "Change a member's role",
            "Admins. {role: admin|member}; 409 if it would leave the organisation without an admin. A role in the member's token wins at their next sign-in.",
        ),
        r(
            "DELETE",
            "/api/v1/admin/memberships/{user_id}",
            Sso,
            "coach_remove_member",
            "Remove a member",
            "Admins. Removes the membership and the member's rep assignments (their practice history stays); 409 for the last admin. A member who signs in again comes back as a member.",
        ),
        r(
            "GET",
            "/ws",
            Public,
            "coach_ws",
            "The realtime coach (WebSocket)",
            "Upgrades to a WebSocket speaking HelloSales' {type, payload} messages (README, \"The realtime coach\"); ?sessionId= joins that practice session's Durable Object. Without the upgrade, 426.",
        ),
        r(
            "POST",
            "/api/v1/realtime/messages",
            Sso,
            "coach_realtime_messages",
            "One coach message over HTTP",
            "The WebSocket's protocol over HTTP: the body is one message ({type, payload}), the answer its frames as server-sent events (streamed on Spin). auth takes its token in the payload; every other type the caller's bearer token. Each request stands alone: name sessionId, send voice.recording whole, cancel from another request.",
        ),
        r(
            "GET",
            "/api/v1/admin/pipeline-runs",
            Sso,
            "coach_pipeline_runs",
            "The coach's runs",
            "Admins. The organisation's replies, newest first: status, stages with timings, provider and model, tokens, time to first token, errors. service (chat, voice), status, since_minutes (60; 0 for all), limit (1-500, 100).",
        ),
        r(
            "GET",
            "/api/v1/admin/pipeline-runs/{id}",
            Sso,
            "coach_pipeline_run",
            "One run and its events",
            "Admins. 404 for another organisation's.",
        ),
        r(
            "GET",
            "/legal/terms",
            Public,
            "coach_legal_terms",
            "Terms of service",
            "A page.",
        ),
        r(
            "GET",
            "/legal/privacy",
            Public,
            "coach_legal_privacy",
            "Privacy policy",
            "A page.",
        ),
        r(
            "GET",
            "/api/v1/sailwind/clients",
            Sso,
            "coach_sailwind_clients",
            "Clients",
            "The organisation's clients by name; archived ones only with include_archived=true. limit 1-200 (50), offset.",
        ),
        r(
            "POST",
            "/api/v1/sailwind/clients",
            Sso,
            "coach_sailwind_create_client",
            "Add a client",
            "Admins. {name, industry?, email?, phone?, company?, status? (prospect), total_revenue? (0)}.",
        ),
        r(
            "GET",
            "/api/v1/sailwind/clients/{id}",
            Sso,
            "coach_sailwind_client",
            "A client",
            "Archived or not; 404 for another organisation's.",
        ),
        r(
            "PATCH",
            "/api/v1/sailwind/clients/{id}",
            Sso,
            "coach_sailwind_update_client",
            "Change a client",
            "Admins. Any of the fields, null to clear an optional one; archived: true archives, false restores.",
        ),
        r(
            "DELETE",
            "/api/v1/sailwind/clients/{id}",
            Sso,
            "coach_sailwind_archive_client",
            "Archive a client",
            "Admins. The client is archived, not deleted: it keeps its strategies and sessions and is listed only with include_archived=true.",
        ),
        r(
            "GET",
            "/api/v1/sailwind/products",
            Sso,
            "coach_sailwind_products",
            "Products",
            "The organisation's products by name; archived ones only with include_archived=true. limit 1-200 (50), offset.",
        ),
        r(
            "POST",
            "/api/v1/sailwind/products",
            Sso,
            "coach_sailwind_create_product",
            "Add a product",
            "Admins. {name, category?, description?, price? (0), stock? (0), status? (active)}.",
        ),
        r(
            "GET",
            "/api/v1/sailwind/products/{id}",
            Sso,
            "coach_sailwind_product",
            "A product",
            "404 for another organisation's.",
        ),
        r(
            "PATCH",
            "/api/v1/sailwind/products/{id}",
            Sso,
            "coach_sailwind_update_product",
            "Change a product",
            "Admins. Any of the fields; archived: true archives, false restores.",
        ),
        r(
            "GET",
            "/api/v1/sailwind/strategies",
            Sso,
            "coach_sailwind_strategies",
            "Strategies",
            "How to sell each product to each client; archived ones only with include_archived=true. limit 1-200 (50), offset.",
        ),
        r(
            "POST",
            "/api/v1/sailwind/strategies",
            Sso,
            "coach_sailwind_create_strategy",
            "Add a strategy",
            "Admins. {product_id, client_id, strategy_text, status? (draft|active|archived)}; one per product and client (409).",
        ),
        r(
            "PATCH",
            "/api/v1/sailwind/strategies/{id}",
            Sso,
            "coach_sailwind_update_strategy",
            "Change a strategy",
            "Admins. {strategy_text?, status?}.",
        ),
        r(
            "GET",
            "/api/v1/sailwind/rep-assignments",
            Sso,
            "coach_sailwind_rep_assignments",
            "Rep assignments",
            "Admins. Every rep's assignments. limit 1-200 (50), offset.",
        ),
        r(
            "POST",
            "/api/v1/sailwind/rep-assignments",
            Sso,
            "coach_sailwind_create_rep_assignment",
            "Assign a rep",
            "Admins. {user_id, product_id, client_id, strategy_id?, min_practice_minutes?}: the rep a member, the strategy for that product and client; one per rep, product and client (409).",
        ),
        r(
            "GET",
            "/api/v1/sailwind/my/rep-assignments",
            Sso,
            "coach_sailwind_my_rep_assignments",
            "My assignments",
            "The caller's rep assignments.",
        ),
        r(
            "GET",
            "/api/v1/sailwind/my/practice-sessions",
            Sso,
            "coach_sailwind_my_practice_sessions",
            "My practice sessions",
            "The caller's sessions, newest first. limit 1-200 (50), offset.",
        ),
        r(
            "POST",
            "/api/v1/sailwind/practice-sessions",
            Sso,
            "coach_sailwind_start_practice",
            "Start a practice session",
            "{strategy_id, rep_assignment_id?} → an active session on a strategy that is not archived; the assignment must be the caller's and for the strategy's product and client.",
        ),
    ]
}
