//! The sample support dataset `make dev` loads, built relative to the
//! moment it is loaded so its SLA states mean something on first run:
//! about ten customers of varied value and churn risk, one agent per role
//! (and a second department), 200 tickets across statuses, priorities and
//! channels with threads, assignments and SLA clocks met, at risk and
//! breached. Deterministic for a given time.

use crate::clocks::{Meter, Tracking};
use crate::model::SlaPolicy;
use edgedesk_core::sentiment;
use edgedesk_kernel::passwords;
use edgedesk_kernel::platform::{SqlValue, Statement};

/// Empties every table the dataset fills (children first), for a test that
/// loads it afresh.
pub const CLEAR: &str = "DELETE FROM sla_events; DELETE FROM sla_tracking; \
     DELETE FROM ticket_assignments; DELETE FROM messages; DELETE FROM tickets; \
     DELETE FROM agents; DELETE FROM customers; DELETE FROM revoked_tokens; \
     DELETE FROM login_failures; DELETE FROM seen_calls;";

/// Every dev agent's password.
pub const DEV_PASSWORD: &str = "dev-password";

/// (id, email, name, role, department)
pub const AGENTS: [(&str, &str, &str, &str, &str); 7] = [
    (
        "ag-agent",
        "agent@support.test",
        "Ada Agent",
        "agent",
        "support",
    ),
    (
        "ag-senior",
        "senior_agent@support.test",
        "Sam Senior",
        "senior_agent",
        "support",
    ),
    (
        "ag-lead",
        "team_lead@support.test",
        "Tess Lead",
        "team_lead",
        "support",
    ),
    (
        "ag-manager",
        "manager@support.test",
        "Max Manager",
        "manager",
        "support",
    ),
    (
        "ag-admin",
        "admin@support.test",
        "Alex Admin",
        "admin",
        "support",
    ),
    (
        "ag-billing-lead",
        "billing_lead@support.test",
        "Bo Billing",
        "team_lead",
        "billing",
    ),
    (
        "ag-billing-agent",
        "billing_agent@support.test",
        "Bea Billing",
        "agent",
        "billing",
    ),
];

/// (id, name, email, lifetime value, orders, churn risk)
const CUSTOMERS: [(&str, &str, &str, f64, i64, f64); 10] = [
    (
        "cus-acme",
        "Acme Corp",
        "ops@acme.example",
        48_000.0,
        120,
        0.15,
    ),
    (
        "cus-globex",
        "Globex",
        "it@globex.example",
        12_500.0,
        40,
        0.62,
    ),
    (
        "cus-initech",
        "Initech",
        "help@initech.example",
        3_200.0,
        12,
        0.81,
    ),
    (
        "cus-umbrella",
        "Umbrella Health",
        "desk@umbrella.example",
        95_000.0,
        310,
        0.08,
    ),
    (
        "cus-hooli",
        "Hooli",
        "support@hooli.example",
        22_000.0,
        64,
        0.44,
    ),
    (
        "cus-stark",
        "Stark Retail",
        "admin@stark.example",
        150.0,
        2,
        0.35,
    ),
    (
        "cus-wayne",
        "Wayne Logistics",
        "ops@wayne.example",
        7_800.0,
        25,
        0.71,
    ),
    (
        "cus-tyrell",
        "Tyrell Labs",
        "lab@tyrell.example",
        0.0,
        0,
        0.5,
    ),
    (
        "cus-soylent",
        "Soylent Foods",
        "care@soylent.example",
        61_000.0,
        205,
        0.22,
    ),
    (
        "cus-cyberdyne",
        "Cyberdyne",
        "sys@cyberdyne.example",
        18_900.0,
        51,
        0.93,
    ),
];

const SUBJECTS: [(&str, &str); 12] = [
    (
        "Refund for a damaged order",
        "My order arrived broken and I want a refund. This is really disappointing.",
    ),
    (
        "Cannot log in to my account",
        "I reset my password twice and still cannot log in. Please help.",
    ),
    (
        "Invoice shows the wrong amount",
        "The invoice charges us twice for the same seats. Can you fix the billing?",
    ),
    (
        "Where is my shipment?",
        "Tracking has not updated in five days. When will it arrive?",
    ),
    (
        "API returns 500 errors",
        "Since this morning every call to the export endpoint fails with an error. Urgent, production is down!",
    ),
    (
        "Thanks for the quick fix",
        "Thanks a lot, the new release works great for our team.",
    ),
    (
        "How do I add a user?",
        "How can I add a colleague to our workspace?",
    ),
    (
        "Cancel our subscription",
        "We want to cancel our subscription at the end of the month.",
    ),
    (
        "Terrible experience with support",
        "Nobody answered my last three emails. This is unacceptable and frustrating.",
    ),
    (
        "Feature request: dark mode",
        "Would be nice to have a dark mode in the dashboard.",
    ),
    (
        "Data export is slow",
        "Exports take over an hour, which is a problem for our reporting.",
    ),
    (
        "Wrong item delivered",
        "We received the wrong item in our order, please send the right one.",
    ),
];

const REPLIES: [&str; 4] = [
    "Thanks for reaching out. I'm looking into this now and will update you shortly.",
    "I'm sorry about the trouble. I've escalated this to the team and we're on it.",
    "This should be fixed now. Could you confirm on your side?",
    "I've issued the correction; you'll see it within one business day.",
];

fn stored_score(priority: &str, sentiment: f64, customer: &str) -> f64 {
    let (_, _, _, ltv, _, churn) = CUSTOMERS
        .iter()
        .find(|c| c.0 == customer)
        .copied()
        .unwrap_or(CUSTOMERS[0]);
    crate::inbox::static_score(
        priority,
        sentiment,
        ltv,
        churn,
        &edgedesk_core::smart_score::Weights::default(),
    )
}

/// A small deterministic generator (xorshift).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A part of `span`, from `from` to `to` thousandths of it.
    fn within(&mut self, span: i64, from: u64, to: u64) -> i64 {
        span * (from + self.below(to - from)) as i64 / 1000
    }
}

fn policy(priority: &str) -> SlaPolicy {
    let (id, first, resolution) = match priority {
        "low" => (1, 86_400, 604_800),
        "normal" => (2, 28_800, 172_800),
        "high" => (3, 7_200, 86_400),
        _ => (4, 1_800, 28_800),
    };
    SlaPolicy {
        id,
        priority: priority.to_string(),
        first_response_target_seconds: first,
        resolution_target_seconds: resolution,
        warning_threshold_percent: 80,
        business_hours_only: false,
    }
}

/// The dataset as statements, for a database with the migrations applied
/// and nothing else.
pub fn dataset(now: i64) -> Vec<Statement> {
    dataset_of(now, 200)
}

/// The same with `tickets` tickets (the benchmarks' inbox of thousands).
pub fn dataset_of(now: i64, tickets: usize) -> Vec<Statement> {
    let mut out = Vec::new();
    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;
    for (i, (id, email, name, role, department)) in AGENTS.iter().enumerate() {
        let mut salt = [0u8; 16];
        salt[..id.len().min(16)].copy_from_slice(&id.as_bytes()[..id.len().min(16)]);
        out.push(Statement::new(
            "INSERT INTO agents (id, email, hashed_password, name, role, status, department, \
             specializations, max_concurrent_tickets, avg_response_time_seconds, \
             customer_satisfaction_score, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            vec![
                (*id).into(),
                (*email).into(),
                passwords::hash(DEV_PASSWORD, salt).into(),
                (*name).into(),
                (*role).into(),
                if i % 3 == 0 { "online" } else { "offline" }.into(),
                (*department).into(),
                if *department == "billing" { r#"["billing","refunds"]"# } else { r#"["technical","accounts"]"# }.into(),
                SqlValue::Integer(if *role == "agent" { 12 } else { 10 }),
                SqlValue::Real(1_800.0 + 600.0 * i as f64),
                SqlValue::Real(4.0 + (i % 3) as f64 * 0.3),
                (now - 200 * DAY).into(),
            ],
        ));
    }
    for (id, name, email, ltv, orders, churn) in CUSTOMERS {
        out.push(Statement::new(
            "INSERT INTO customers (id, email, name, created_at, lifetime_value, total_orders, churn_risk_score) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            vec![
                id.into(),
                email.into(),
                name.into(),
                (now - 400 * DAY).into(),
                ltv.into(),
                orders.into(),
                churn.into(),
            ],
        ));
    }
    let mut dice = Dice(0x005E_ED0F_5EED);
    let priorities = [
        "low", "normal", "normal", "normal", "high", "high", "urgent",
    ];
    let channels = ["email", "chat", "phone", "sms", "form"];
    let workers = [
        "ag-agent",
        "ag-senior",
        "ag-lead",
        "ag-billing-agent",
        "ag-agent",
        "ag-senior",
    ];
    for n in 1..=tickets {
        let id = format!("tkt-{n:04}");
        let (customer, ..) = CUSTOMERS[dice.below(CUSTOMERS.len() as u64) as usize];
        let (subject, first_message) = SUBJECTS[dice.below(SUBJECTS.len() as u64) as usize];
        let priority = priorities[dice.below(priorities.len() as u64) as usize];
        let channel = channels[dice.below(channels.len() as u64) as usize];
        let policy = policy(priority);
        let first_ms = policy.first_response_target_seconds * 1000;
        let resolution_ms = policy.resolution_target_seconds * 1000;
        // One kind per ticket, in proportions a support team would see: most
        // finished; some waiting for a first answer (in time, at risk or
        // overdue); some answered and still open.
        let kind = n % 10;
        let (age, finished, replied) = match kind {
            0 | 1 => (dice.within(first_ms, 300, 980), false, false),
            2 => (dice.within(first_ms, 1200, 3000), false, false),
            3 | 4 => (dice.within(resolution_ms, 200, 950), false, true),
            _ => (
                dice.within(25 * DAY, 40, 1000) + resolution_ms / 10,
                true,
                true,
            ),
        };
        let created = now - age;
        let status = if finished {
            if dice.below(2) == 0 {
                "resolved"
            } else {
                "closed"
            }
        } else if replied {
            ["in_progress", "pending", "open"][dice.below(3) as usize]
        } else {
            "open"
        };
        let mut tracking = Tracking::new(&id, &policy, created);
        let mut statements = Vec::new();
        let customer_sentiment = sentiment::score(first_message);
        statements.push(crate::messages::insert_statement(
            &format!("msg-{n:04}-1"),
            &id,
            None,
            first_message,
            None,
            None,
            created,
        ));
        let mut last = created;
        let mut satisfied = Vec::new();
        if replied {
            // Most replies in time, some late.
            let reply_at = (created + dice.within(first_ms, 100, 1300)).min(now - 60_000);
            let worker = workers[dice.below(workers.len() as u64) as usize];
            statements.push(crate::messages::insert_statement(
                &format!("msg-{n:04}-2"),
                &id,
                Some(worker),
                REPLIES[dice.below(REPLIES.len() as u64) as usize],
                None,
                None,
                reply_at,
            ));
            satisfied.extend(tracking.agent_replied(reply_at));
            last = reply_at;
            if !finished && dice.below(3) == 0 {
                let follow = last + dice.below(((now - last) / 2).max(1) as u64) as i64;
                statements.push(crate::messages::insert_statement(
                    &format!("msg-{n:04}-3"),
                    &id,
                    None,
                    "Any update on this? We are still waiting.",
                    None,
                    None,
                    follow,
                ));
                tracking.customer_wrote(follow);
                last = follow;
            }
        }
        if finished {
            let resolved = (created + dice.within(resolution_ms, 200, 1200))
                .max(last + 60_000)
                .min(now - 60_000);
            satisfied.extend(tracking.resolve(&Meter::Wall, resolved));
            last = resolved;
        } else if status == "pending" {
            tracking.pause(last.max(now - dice.below(DAY as u64) as i64));
        }
        let assigned = (replied || dice.below(2) == 0).then(|| workers[n % workers.len()]);
        out.push(Statement::new(
            "INSERT INTO tickets (id, customer_id, subject, status, priority, channel, created_at, \
             updated_at, customer_sentiment, estimated_difficulty, smart_score) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            vec![
                id.as_str().into(),
                customer.into(),
                subject.into(),
                status.into(),
                priority.into(),
                channel.into(),
                created.into(),
                last.into(),
                customer_sentiment.into(),
                SqlValue::Real((dice.below(100) as f64) / 100.0),
                stored_score(priority, customer_sentiment, customer).into(),
            ],
        ));
        out.extend(statements);
        if let Some(agent) = assigned {
            let accepted = replied.then_some(created + (last - created) / 3);
            out.push(Statement::new(
                "INSERT INTO ticket_assignments (id, ticket_id, agent_id, status, reason, assigned_at, \
                 accepted_at, completed_at, time_to_accept_seconds, time_to_complete_seconds, is_active) \
                 VALUES (?1, ?2, ?3, ?4, 'manual', ?5, ?6, ?7, ?8, ?9, ?10)",
                vec![
                    format!("asg-{n:04}").into(),
                    id.as_str().into(),
                    agent.into(),
                    if finished { "completed" } else if replied { "accepted" } else { "pending" }.into(),
                    created.into(),
                    accepted.into(),
                    finished.then_some(last).into(),
                    accepted.map(|a| (a - created) / 1000).into(),
                    finished.then_some((last - created) / 1000).into(),
                    (!finished).into(),
                ],
            ));
        }
        out.push(tracking.save(&Meter::Wall, now));
        out.extend(tracking.satisfied_events(&satisfied, &Meter::Wall, now));
        out.extend(tracking.crossed_events(&Meter::Wall, now));
    }
    out
}

/// A statement as SQL text with its values inlined, for a seed file that
/// `wrangler d1 execute --file` and `spin up --sqlite @file` run. Only
/// this generator's own values pass through here.
pub fn to_sql(s: &Statement) -> String {
    let literal = |v: &SqlValue| match v {
        SqlValue::Null => "NULL".to_string(),
        SqlValue::Integer(n) => n.to_string(),
        SqlValue::Real(r) => format!("{r:?}"),
        SqlValue::Text(t) => format!("'{}'", t.replace('\'', "''")),
    };
    let mut out = String::with_capacity(s.sql.len() + 64);
    let mut chars = s.sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '?' {
            out.push(c);
            continue;
        }
        let mut n = 0usize;
        while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
            n = n * 10 + d as usize;
            chars.next();
        }
        match s.params.get(n.wrapping_sub(1)) {
            Some(v) => out.push_str(&literal(v)),
            None => out.push_str(&format!("?{n}")),
        }
    }
    out + ";"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_render_with_their_values() {
        let s = Statement::new(
            "INSERT INTO t VALUES (?1, ?2, ?10, ?3)",
            vec![
                "it's ?2".into(),
                SqlValue::Integer(7),
                SqlValue::Null,
                SqlValue::Real(0.5),
                SqlValue::Null,
                SqlValue::Null,
                SqlValue::Null,
                SqlValue::Null,
                SqlValue::Null,
                SqlValue::Text("ten".into()),
            ],
        );
        assert_eq!(
            to_sql(&s),
            "INSERT INTO t VALUES ('it''s ?2', 7, 'ten', NULL);"
        );
    }
}
