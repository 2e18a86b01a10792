//! The support product's routes. Everything but signing in is behind a
//! bearer session token; what the caller's role may do is decided by
//! [`crate::roles`] inside each handler. The sweep is a signed call, for
//! a scheduler.

use crate::PRODUCT;
use crate::access::{self, Principal};
use crate::{agents, ai, assignments, inbox, messages, reports, session, sla, tickets};
use edgedesk_core::envelope::ApiError;
use edgedesk_kernel::router::{Handler, bearer_refusal, unrouted};
use edgedesk_kernel::{Auth, Call, Platform, Reply, Response, Route, RouteInfo};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// The product's routes in groups, one Spin component each: a component
/// links only its own group's handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Sign in and out, the caller's own agent.
    Session,
    Agents,
    /// The inbox and tickets themselves.
    Tickets,
    Messages,
    Assignments,
    /// Policies, business hours, ticket clocks, the sweep.
    Sla,
    Reports,
    /// Drafts, recommendations and customer intelligence from the
    /// intelligence service.
    Ai,
}

pub const GROUPS: [Group; 8] = [
    Group::Session,
    Group::Agents,
    Group::Tickets,
    Group::Messages,
    Group::Assignments,
    Group::Sla,
    Group::Reports,
    Group::Ai,
];

/// Every route of the product.
pub fn routes<P: Platform>() -> Vec<Route<P>> {
    GROUPS.into_iter().flat_map(group::<P>).collect()
}

/// The routes of one group.
pub fn group<P: Platform>(g: Group) -> Vec<Route<P>> {
    let handler: fn(&str) -> Handler<P> = match g {
        Group::Session => session_handler::<P>,
        Group::Agents => agents_handler::<P>,
        Group::Tickets => tickets_handler::<P>,
        Group::Messages => messages_handler::<P>,
        Group::Assignments => assignments_handler::<P>,
        Group::Sla => sla_handler::<P>,
        Group::Reports => reports_handler::<P>,
        Group::Ai => ai_handler::<P>,
    };
    edgedesk_kernel::router::grouped(infos(), g, group_of, handler)
}

/// The group an operation belongs to.
pub fn group_of(op: &str) -> Group {
    match op {
        "login" | "logout" | "me" | "set_my_status" => Group::Session,
        "list_agents" | "create_agent" | "update_agent" | "delete_agent" | "agent_workload" => {
            Group::Agents
        }
        "list_messages" | "post_message" | "update_message" | "delete_message" => Group::Messages,
        "assign_ticket" | "transfer_ticket" | "accept_ticket" | "complete_ticket" => {
            Group::Assignments
        }
        "list_sla_policies" | "update_sla_policy" | "get_business_hours" | "set_business_hours"
        | "ticket_sla" | "pause_sla" | "resume_sla" | "sla_sweep" => Group::Sla,
        "sla_report" | "agents_report" => Group::Reports,
        "draft_response" | "regenerate_draft" | "recommendation" | "customer_intelligence" => {
            Group::Ai
        }
        _ => Group::Tickets,
    }
}

/// The answer for an error: a 401 carries the bearer challenge.
fn refuse(e: &ApiError) -> Response {
    bearer_refusal(e)
}

fn finish(result: Result<Value, ApiError>, ok: u16) -> Response {
    match result {
        Ok(v) => Response::json(ok, &v),
        Err(e) => refuse(&e),
    }
}

/// What a bearer handler does once its caller is known.
type Work<'a> = Pin<Box<dyn Future<Output = Result<Value, ApiError>> + 'a>>;

/// A bearer route: the caller's agent loaded (revocation checked), then
/// `f`, answered with `ok` on success. One instance per platform: every
/// route's work is boxed behind the same type, which keeps a component
/// with many routes small.
fn authed<'a, P: Platform>(
    c: Call<'a, P>,
    ok: u16,
    f: fn(Call<'a, P>, Principal) -> Work<'a>,
) -> Reply<'a> {
    Box::pin(async move {
        match access::principal(c.p, c.req).await {
            Ok(who) => finish(f(c, who).await, ok),
            Err(e) => refuse(&e),
        }
    })
}

fn param<'a, P>(c: &Call<'a, P>, name: &str) -> &'a str {
    c.params.get(name).unwrap_or_default()
}

fn session_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "login" => |c| {
            Box::pin(async move {
                session::login(c.p, c.req)
                    .await
                    .unwrap_or_else(|e| Response::error(&e))
            })
        },
        "logout" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { session::logout(c.p, &who).await })
            })
        },
        "me" => |c| {
            authed(c, 200, |_, who| {
                Box::pin(async move { Ok(serde_json::to_value(&who.agent).unwrap_or_default()) })
            })
        },
        "set_my_status" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { agents::set_status(c.p, &who, c.req).await })
            })
        },
        _ => unrouted::<P>,
    }
}

fn agents_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "list_agents" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { agents::list(c.p, &who).await })
            })
        },
        "create_agent" => |c| {
            authed(c, 201, |c, who| {
                Box::pin(async move { agents::create(c.p, &who, c.req).await })
            })
        },
        "update_agent" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { agents::update(c.p, &who, param(&c, "id"), c.req).await })
            })
        },
        "delete_agent" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { agents::delete(c.p, &who, param(&c, "id")).await })
            })
        },
        "agent_workload" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { agents::workload(c.p, &who, param(&c, "id")).await })
            })
        },
        _ => unrouted::<P>,
    }
}

fn tickets_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "list_tickets" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { inbox::list(c.p, &who, c.req).await })
            })
        },
        "create_ticket" => |c| {
            authed(c, 201, |c, who| {
                Box::pin(async move { tickets::create(c.p, &who, c.req).await })
            })
        },
        "get_ticket" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { tickets::get(c.p, &who, param(&c, "id")).await })
            })
        },
        "update_ticket" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { tickets::update(c.p, &who, param(&c, "id"), c.req).await })
            })
        },
        "delete_ticket" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { tickets::delete(c.p, &who, param(&c, "id")).await })
            })
        },
        "score_breakdown" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move {
                    let id = param(&c, "id");
                    access::ticket(
                        c.p,
                        &who,
                        crate::roles::Action::ReadTickets,
                        "read tickets",
                        id,
                    )
                    .await?;
                    inbox::breakdown(c.p, id, c.req).await
                })
            })
        },
        _ => unrouted::<P>,
    }
}

fn messages_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "list_messages" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { messages::list(c.p, &who, param(&c, "id")).await })
            })
        },
        "post_message" => |c| {
            authed(c, 201, |c, who| {
                Box::pin(async move { messages::post(c.p, &who, param(&c, "id"), c.req).await })
            })
        },
        "update_message" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move {
                    messages::update(c.p, &who, param(&c, "id"), param(&c, "msg_id"), c.req).await
                })
            })
        },
        "delete_message" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move {
                    messages::delete(c.p, &who, param(&c, "id"), param(&c, "msg_id")).await
                })
            })
        },
        _ => unrouted::<P>,
    }
}

fn assignments_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "assign_ticket" => |c| {
            authed(c, 201, |c, who| {
                Box::pin(
                    async move { assignments::assign(c.p, &who, param(&c, "id"), c.req).await },
                )
            })
        },
        "transfer_ticket" => |c| {
            authed(c, 201, |c, who| {
                Box::pin(
                    async move { assignments::transfer(c.p, &who, param(&c, "id"), c.req).await },
                )
            })
        },
        "accept_ticket" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { assignments::accept(c.p, &who, param(&c, "id")).await })
            })
        },
        "complete_ticket" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { assignments::complete(c.p, &who, param(&c, "id")).await })
            })
        },
        _ => unrouted::<P>,
    }
}

fn sla_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "list_sla_policies" => |c| {
            authed(c, 200, |c, _| {
                Box::pin(async move { sla::policies(c.p).await })
            })
        },
        "update_sla_policy" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move {
                    sla::update_policy(c.p, &who, param(&c, "priority"), c.req).await
                })
            })
        },
        "get_business_hours" => |c| {
            authed(c, 200, |c, _| {
                Box::pin(async move { sla::business_hours(c.p).await })
            })
        },
        "set_business_hours" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { sla::set_business_hours(c.p, &who, c.req).await })
            })
        },
        "ticket_sla" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { sla::get(c.p, &who, param(&c, "id")).await })
            })
        },
        "pause_sla" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { sla::set_paused(c.p, &who, param(&c, "id"), true).await })
            })
        },
        "resume_sla" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { sla::set_paused(c.p, &who, param(&c, "id"), false).await })
            })
        },
        "sla_sweep" => |c| {
            Box::pin(async move {
                finish(
                    sla::sweep(c.p)
                        .await
                        .map(|a| serde_json::to_value(a).unwrap_or_default()),
                    200,
                )
            })
        },
        _ => unrouted::<P>,
    }
}

fn reports_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "sla_report" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { reports::sla(c.p, &who, c.req).await })
            })
        },
        "agents_report" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { reports::agents(c.p, &who, c.req).await })
            })
        },
        _ => unrouted::<P>,
    }
}

fn ai_handler<P: Platform>(id: &str) -> Handler<P> {
    match id {
        "draft_response" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { ai::draft_response(c.p, &who, param(&c, "id")).await })
            })
        },
        "regenerate_draft" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(
                    async move { ai::regenerate_draft(c.p, &who, param(&c, "id"), c.req).await },
                )
            })
        },
        "recommendation" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { ai::recommendation(c.p, &who, param(&c, "id")).await })
            })
        },
        "customer_intelligence" => |c| {
            authed(c, 200, |c, who| {
                Box::pin(async move { ai::customer_intelligence(c.p, &who, param(&c, "id")).await })
            })
        },
        _ => unrouted::<P>,
    }
}

/// Every route without its handler.
pub fn infos() -> Vec<RouteInfo> {
    use Auth::{Bearer, Public, Signed};
    vec![
        PRODUCT.route(
            "POST",
            "/api/agents/login",
            Public,
            "login",
            "Sign in",
            "Email and password for a 24-hour bearer token. Five failed attempts for one email within 15 minutes are answered 429 with Retry-After until the window passes.",
        ),
        PRODUCT.route(
            "POST",
            "/api/agents/logout",
            Bearer,
            "logout",
            "Sign out",
            "Revokes the token until it would have expired.",
        ),
        PRODUCT.route(
            "GET",
            "/api/agents/me",
            Bearer,
            "me",
            "The signed-in agent",
            "The agent the token speaks for.",
        ),
        PRODUCT.route(
            "PATCH",
            "/api/agents/me/status",
            Bearer,
            "set_my_status",
            "Set my status",
            "online, away, busy or offline.",
        ),
        PRODUCT.route(
            "GET",
            "/api/agents",
            Bearer,
            "list_agents",
            "The team",
            "Every agent for managers and admins; a team lead's own department.",
        ),
        PRODUCT.route(
            "POST",
            "/api/agents",
            Bearer,
            "create_agent",
            "Add an agent",
            "Managers (not admins) and admins.",
        ),
        PRODUCT.route(
            "PATCH",
            "/api/agents/{id}",
            Bearer,
            "update_agent",
            "Change an agent",
            "Managers (never to or from admin) and admins.",
        ),
        PRODUCT.route(
            "DELETE",
            "/api/agents/{id}",
            Bearer,
            "delete_agent",
            "Remove an agent",
            "Admins; the agent's assignments go with them.",
        ),
        PRODUCT.route(
            "GET",
            "/api/agents/{id}/workload",
            Bearer,
            "agent_workload",
            "An agent's workload",
            "Active assignments by status against max_concurrent_tickets: one's own, a team lead's department, anyone's for managers and admins.",
        ),
        PRODUCT.route(
            "GET",
            "/api/tickets",
            Bearer,
            "list_tickets",
            "The smart inbox",
            "Tickets ordered by smart score, highest first, computed as of the request: filters status and channel, limit 1-100 (50), page from 1, topic_alerts (comma-separated keywords that boost matching tickets). An agent sees the tickets assigned to them.",
        ),
        PRODUCT.route(
            "POST",
            "/api/tickets",
            Bearer,
            "create_ticket",
            "Open a ticket",
            "With its SLA clocks from its priority's policy and, optionally, the customer's first message.",
        ),
        PRODUCT.route(
            "GET",
            "/api/tickets/{id}",
            Bearer,
            "get_ticket",
            "A ticket",
            "With its messages, oldest first, and its SLA.",
        ),
        PRODUCT.route(
            "PATCH",
            "/api/tickets/{id}",
            Bearer,
            "update_ticket",
            "Change a ticket",
            "status, priority, subject. pending pauses the SLA, resolved or closed stops it; a closed ticket stays closed (409).",
        ),
        PRODUCT.route(
            "DELETE",
            "/api/tickets/{id}",
            Bearer,
            "delete_ticket",
            "Delete a ticket",
            "Admins; its messages, assignments and SLA record go with it.",
        ),
        PRODUCT.route(
            "GET",
            "/api/tickets/{id}/score-breakdown",
            Bearer,
            "score_breakdown",
            "Why a ticket ranks where it does",
            "Every component of the smart score with its inputs, weight and points, summing to the score.",
        ),
        PRODUCT.route(
            "GET",
            "/api/tickets/{id}/messages",
            Bearer,
            "list_messages",
            "A ticket's messages",
            "Oldest first.",
        ),
        PRODUCT.route(
            "POST",
            "/api/tickets/{id}/messages",
            Bearer,
            "post_message",
            "Post a message",
            "An agent's reply (from_agent true) meets the response clock; a customer's message after a reply starts the next one.",
        ),
        PRODUCT.route(
            "PATCH",
            "/api/tickets/{id}/messages/{msg_id}",
            Bearer,
            "update_message",
            "Edit a message",
            "Agents their own replies; other roles any message.",
        ),
        PRODUCT.route(
            "DELETE",
            "/api/tickets/{id}/messages/{msg_id}",
            Bearer,
            "delete_message",
            "Delete a message",
            "Agents their own replies; other roles any message.",
        ),
        PRODUCT.route(
            "POST",
            "/api/tickets/{id}/assign",
            Bearer,
            "assign_ticket",
            "Assign a ticket",
            "Senior agents and up; a ticket has at most one active assignment (409).",
        ),
        PRODUCT.route(
            "POST",
            "/api/tickets/{id}/transfer",
            Bearer,
            "transfer_ticket",
            "Transfer a ticket",
            "Ends the active assignment and starts one for agent_id, with a reason.",
        ),
        PRODUCT.route(
            "POST",
            "/api/tickets/{id}/accept",
            Bearer,
            "accept_ticket",
            "Accept an assignment",
            "The assigned agent (or an admin).",
        ),
        PRODUCT.route(
            "POST",
            "/api/tickets/{id}/complete",
            Bearer,
            "complete_ticket",
            "Complete an assignment",
            "The assigned agent (or an admin).",
        ),
        PRODUCT.route(
            "GET",
            "/api/sla/policies",
            Bearer,
            "list_sla_policies",
            "SLA policies",
            "Per priority: first response and resolution targets, warning threshold, business hours only.",
        ),
        PRODUCT.route(
            "PATCH",
            "/api/sla/policies/{priority}",
            Bearer,
            "update_sla_policy",
            "Change an SLA policy",
            "Managers and admins; open tickets of that priority get the new targets at once.",
        ),
        PRODUCT.route(
            "GET",
            "/api/sla/business-hours",
            Bearer,
            "get_business_hours",
            "Business hours",
            "The calendar business-hours policies count: time zone, open intervals per weekday, holidays.",
        ),
        PRODUCT.route(
            "PUT",
            "/api/sla/business-hours",
            Bearer,
            "set_business_hours",
            "Set business hours",
            "Managers and admins; open tickets on business-hours policies get new deadlines.",
        ),
        PRODUCT.route(
            "GET",
            "/api/tickets/{id}/sla",
            Bearer,
            "ticket_sla",
            "A ticket's SLA",
            "Its clocks as of now, with the events recorded.",
        ),
        PRODUCT.route(
            "POST",
            "/api/tickets/{id}/sla/pause",
            Bearer,
            "pause_sla",
            "Pause a ticket's SLA",
            "Paused time does not count.",
        ),
        PRODUCT.route(
            "POST",
            "/api/tickets/{id}/sla/resume",
            Bearer,
            "resume_sla",
            "Resume a ticket's SLA",
            "The paused time pushes the deadlines.",
        ),
        PRODUCT.route(
            "POST",
            "/api/sla/sweep",
            Signed,
            "sla_sweep",
            "Record crossed SLA thresholds",
            "For a scheduler (the Worker's cron does it on Cloudflare): records at_risk and breached once per clock. A signed call.",
        ),
        PRODUCT.route(
            "GET",
            "/api/reports/sla",
            Bearer,
            "sla_report",
            "SLA report",
            "Per priority over from/to (default the last 30 days): tickets met, at risk, breached, median first response and resolution. Team leads see their department; managers and admins all.",
        ),
        PRODUCT.route(
            "GET",
            "/api/reports/agents",
            Bearer,
            "agents_report",
            "Team report",
            "Per agent over from/to: resolved, average response time, active load.",
        ),
        PRODUCT.route(
            "GET",
            "/api/ai/tickets/{id}/draft-response",
            Bearer,
            "draft_response",
            "A draft reply",
            "From the intelligence service, with the ticket, its thread and the customer as context: empathetic for an unhappy customer, professional otherwise. Cached an hour per thread version, tone and length: a new message makes it stale. 502 when the service fails, 503 naming the setting when it is not configured.",
        ),
        PRODUCT.route(
            "POST",
            "/api/ai/tickets/{id}/regenerate-draft",
            Bearer,
            "regenerate_draft",
            "A fresh draft reply",
            "tone (empathetic, professional, friendly), length (short, medium, long), include_details; never from the cache.",
        ),
        PRODUCT.route(
            "GET",
            "/api/ai/tickets/{id}/recommendation",
            Bearer,
            "recommendation",
            "Next best actions",
            "From the ticket's SLA state and thread and the customer's churn and lifetime-value predictions (cached an hour).",
        ),
        PRODUCT.route(
            "GET",
            "/api/ai/customers/{id}/intelligence",
            Bearer,
            "customer_intelligence",
            "Customer intelligence",
            "Archetype, segments, churn and lifetime-value predictions and behavioral metrics, cached 15 minutes. An agent sees customers of tickets assigned to them.",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgedesk_kernel::testing::TestPlatform;

    #[test]
    fn every_route_has_its_groups_handler() {
        let fallback = unrouted::<TestPlatform> as Handler<TestPlatform> as usize;
        let all = routes::<TestPlatform>();
        assert_eq!(all.len(), infos().len());
        for route in &all {
            assert!(
                route.handler as usize != fallback,
                "{} has no handler in its group",
                route.info.operation.id
            );
        }
    }
}
