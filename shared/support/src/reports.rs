//! Reports for the roles that exist to read them: SLA attainment per
//! priority and the team's figures per agent, over a window, limited to
//! a team lead's own department.

use crate::access::Principal;
use crate::clocks::{self, Meter, Tracking, Which};
use crate::db::{self, Cols};
use crate::input::Input;
use crate::model::{AgentReport, AgentsReport, ClockCounts, PRIORITIES, PriorityReport, SlaReport};
use crate::roles::{Action, Reach};
use crate::wire::{iso, parse_time};
use edgedesk_core::envelope::ApiError;
use edgedesk_core::sla::Status;
use edgedesk_kernel::Request;
use edgedesk_kernel::platform::Platform;
use serde_json::Value;

const DAY_MS: i64 = 86_400_000;

/// The window: `from` and `to` (ISO times or dates), by default the last
/// 30 days.
fn window<P: Platform>(p: &P, req: &Request) -> Result<(i64, i64), ApiError> {
    let q = Input::query(req, &["from", "to"])?;
    let now = p.now_ms();
    let to = match q.text("to", 40)? {
        Some(t) => parse_time("to", &t)?,
        None => now,
    };
    let from = match q.text("from", 40)? {
        Some(f) => parse_time("from", &f)?,
        None => to - 30 * DAY_MS,
    };
    if from >= to {
        return Err(ApiError::unprocessable("from must be before to"));
    }
    Ok((from, to))
}

fn department(who: &Principal, reach: Reach) -> Option<String> {
    (reach == Reach::Department).then(|| who.agent.department.clone().unwrap_or_default())
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

fn count(c: &mut ClockCounts, s: Status) {
    match s {
        Status::Met => c.met += 1,
        Status::AtRisk => c.at_risk += 1,
        Status::Breached => c.breached += 1,
        Status::Pending => c.pending += 1,
    }
}

fn zero() -> ClockCounts {
    ClockCounts {
        met: 0,
        at_risk: 0,
        breached: 0,
        pending: 0,
    }
}

/// `GET /api/reports/sla`: tickets created in the window.
pub async fn sla<P: Platform>(p: &P, who: &Principal, req: &Request) -> Result<Value, ApiError> {
    let reach = who.reach(Action::Reports, "read reports")?;
    let (from, to) = window(p, req)?;
    let dept = department(who, reach);
    let cols = clocks::columns_as("s");
    let sql = format!(
        "SELECT {cols}, t.priority FROM sla_tracking s JOIN tickets t ON t.id = s.ticket_id \
         WHERE t.created_at >= ?1 AND t.created_at < ?2 AND (?3 IS NULL OR EXISTS ( \
         SELECT 1 FROM ticket_assignments a JOIN agents g ON g.id = a.agent_id \
         WHERE a.ticket_id = t.id AND a.is_active = 1 AND g.department = ?3))"
    );
    let rows = db::query(p, &sql, &[from.into(), to.into(), dept.clone().into()]).await?;
    let hours = if rows.iter().any(|r| Cols(r).flag(1)) {
        Some(Meter::Hours(Box::new(
            clocks::load_hours(p).await?.calendar()?,
        )))
    } else {
        None
    };
    let now = p.now_ms();
    let mut priorities: Vec<PriorityReport> = PRIORITIES
        .iter()
        .map(|pr| PriorityReport {
            priority: pr.to_string(),
            tickets: 0,
            met: 0,
            at_risk: 0,
            breached: 0,
            pending: 0,
            first_response: zero(),
            resolution: zero(),
            median_first_response_seconds: None,
            median_resolution_seconds: None,
        })
        .collect();
    let mut first_times: Vec<Vec<f64>> = vec![Vec::new(); PRIORITIES.len()];
    let mut resolution_times: Vec<Vec<f64>> = vec![Vec::new(); PRIORITIES.len()];
    for row in &rows {
        let t = Tracking::from_row(row);
        let priority = Cols(row).text(clocks::COLUMNS.split(", ").count());
        let Some(i) = PRIORITIES.iter().position(|p| *p == priority) else {
            continue;
        };
        let meter = match (&hours, t.business_hours) {
            (Some(h), true) => h,
            _ => &Meter::Wall,
        };
        let r = &mut priorities[i];
        r.tickets += 1;
        let statuses: Vec<Status> = [Which::FirstResponse, Which::NextResponse, Which::Resolution]
            .into_iter()
            .filter_map(|w| t.status(w, meter, now))
            .collect();
        if let Some(s) = t.status(Which::FirstResponse, meter, now) {
            count(&mut r.first_response, s);
        }
        if let Some(s) = t.status(Which::Resolution, meter, now) {
            count(&mut r.resolution, s);
        }
        let worst = if statuses.contains(&Status::Breached) {
            Status::Breached
        } else if statuses.contains(&Status::AtRisk) {
            Status::AtRisk
        } else if statuses.iter().all(|s| *s == Status::Met) {
            Status::Met
        } else {
            Status::Pending
        };
        match worst {
            Status::Met => r.met += 1,
            Status::AtRisk => r.at_risk += 1,
            Status::Breached => r.breached += 1,
            Status::Pending => r.pending += 1,
        }
        if let Some(at) = t.first_response_at {
            first_times[i].push(((at - t.created_at).max(0) / 1000) as f64);
        }
        if let Some(at) = t.resolved_at {
            resolution_times[i].push(((at - t.created_at).max(0) / 1000) as f64);
        }
    }
    for (i, r) in priorities.iter_mut().enumerate() {
        r.median_first_response_seconds = median(std::mem::take(&mut first_times[i]));
        r.median_resolution_seconds = median(std::mem::take(&mut resolution_times[i]));
    }
    Ok(serde_json::to_value(SlaReport {
        from: iso(from),
        to: iso(to),
        department: dept,
        priorities,
    })
    .unwrap_or(Value::Null))
}

/// `GET /api/reports/agents`.
pub async fn agents<P: Platform>(p: &P, who: &Principal, req: &Request) -> Result<Value, ApiError> {
    let reach = who.reach(Action::Reports, "read reports")?;
    let (from, to) = window(p, req)?;
    let dept = department(who, reach);
    // Resolved: assignments the agent completed (a transfer ends one
    // without completing it). Response time: from the customer's message
    // (or the ticket's creation) before each of the agent's replies.
    let rows = db::query(
        p,
        "SELECT g.id, g.name, g.department, g.max_concurrent_tickets, \
         (SELECT COUNT(*) FROM ticket_assignments a WHERE a.agent_id = g.id \
            AND a.time_to_complete_seconds IS NOT NULL AND a.completed_at >= ?1 AND a.completed_at < ?2), \
         (SELECT AVG((m.created_at - COALESCE((SELECT MAX(c.created_at) FROM messages c \
            WHERE c.ticket_id = m.ticket_id AND c.from_agent = 0 AND c.created_at <= m.created_at), \
            t.created_at)) / 1000.0) \
            FROM messages m JOIN tickets t ON t.id = m.ticket_id \
            WHERE m.agent_id = g.id AND m.created_at >= ?1 AND m.created_at < ?2), \
         (SELECT COUNT(*) FROM ticket_assignments a WHERE a.agent_id = g.id AND a.is_active = 1) \
         FROM agents g WHERE (?3 IS NULL OR g.department = ?3) ORDER BY g.name, g.id",
        &[from.into(), to.into(), dept.clone().into()],
    )
    .await?;
    let agents = rows
        .iter()
        .map(|r| {
            let c = Cols(r);
            AgentReport {
                agent_id: c.text(0),
                name: c.text(1),
                department: c.opt_text(2),
                max_concurrent_tickets: c.int(3),
                resolved: c.int(4),
                avg_response_time_seconds: c.opt_real(5).map(crate::wire::round3),
                active_load: c.int(6),
            }
        })
        .collect();
    Ok(serde_json::to_value(AgentsReport {
        from: iso(from),
        to: iso(to),
        department: dept,
        agents,
    })
    .unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
