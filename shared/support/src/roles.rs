//! Roles and what each may do: the whole permission matrix in one table.
//! Handlers ask [`reach`] and then narrow what they touch to the answer's
//! scope; nothing else decides who may do what.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    SeniorAgent,
    TeamLead,
    Manager,
    Admin,
}

pub const ROLES: [Role; 5] = [
    Role::Agent,
    Role::SeniorAgent,
    Role::TeamLead,
    Role::Manager,
    Role::Admin,
];

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::SeniorAgent => "senior_agent",
            Role::TeamLead => "team_lead",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        ROLES.into_iter().find(|r| r.as_str() == s)
    }
}

/// What a caller asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List or read tickets, messages, SLA, score breakdowns, AI answers.
    ReadTickets,
    CreateTicket,
    PostMessage,
    /// Update a ticket, pause or resume its SLA.
    UpdateTicket,
    EditMessage,
    DeleteTicket,
    Assign,
    Transfer,
    /// Accept or complete an assignment.
    WorkAssignment,
    ReadWorkload,
    ListAgents,
    /// Create or update agents.
    ManageAgents,
    DeleteAgents,
    /// SLA policies and business hours.
    ConfigureSla,
    Reports,
}

/// How far a permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Refused whatever the target: 403.
    None,
    /// Only what is the caller's own: tickets actively assigned to them,
    /// their own messages and assignments, their own workload. Anything
    /// else is answered as if it did not exist (404) where it is a ticket.
    Own,
    /// Only agents (and their tickets' figures) of the caller's department.
    Department,
    All,
}

/// The matrix.
pub fn reach(role: Role, action: Action) -> Reach {
    use Action::*;
    use Reach::{All, Department, None, Own};
    use Role::*;
    match (action, role) {
        (ReadTickets | UpdateTicket | Transfer, Agent) => Own,
        (ReadTickets | UpdateTicket | Transfer, _) => All,
        (CreateTicket, _) => All,
        (PostMessage, Agent) => Own,
        (PostMessage, _) => All,
        (EditMessage, Agent) => Own,
        (EditMessage, _) => All,
        (DeleteTicket, Admin) => All,
        (DeleteTicket, _) => None,
        (Assign, Agent) => None,
        (Assign, _) => All,
        // Accepting or completing is for the agent the ticket is assigned
        // to, whatever their role; an admin may do it for anyone.
        (WorkAssignment, Admin) => All,
        (WorkAssignment, _) => Own,
        (ReadWorkload, Agent | SeniorAgent) => Own,
        (ReadWorkload, TeamLead) => Department,
        (ReadWorkload, _) => All,
        (ListAgents | Reports, Agent | SeniorAgent) => None,
        (ListAgents | Reports, TeamLead) => Department,
        (ListAgents | Reports, _) => All,
        (ManageAgents, Manager | Admin) => All,
        (ManageAgents, _) => None,
        (DeleteAgents, Admin) => All,
        (DeleteAgents, _) => None,
        (ConfigureSla, Manager | Admin) => All,
        (ConfigureSla, _) => None,
    }
}

/// A manager manages agents below admin: never creates or edits an admin,
/// nor makes anyone one.
pub fn may_manage(actor: Role, target_before: Option<Role>, target_after: Role) -> bool {
    match actor {
        Role::Admin => true,
        Role::Manager => target_before != Some(Role::Admin) && target_after != Role::Admin,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in ROLES {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("Admin"), None);
    }

    #[test]
    fn only_admins_delete_and_managers_stay_below_admin() {
        for r in ROLES {
            assert_eq!(
                reach(r, Action::DeleteTicket) == Reach::All,
                r == Role::Admin
            );
            assert_eq!(
                reach(r, Action::DeleteAgents) == Reach::All,
                r == Role::Admin
            );
        }
        assert!(may_manage(Role::Manager, Some(Role::Agent), Role::TeamLead));
        assert!(!may_manage(Role::Manager, Some(Role::Admin), Role::Admin));
        assert!(!may_manage(Role::Manager, None, Role::Admin));
        assert!(!may_manage(Role::Manager, Some(Role::Admin), Role::Agent));
        assert!(may_manage(Role::Admin, Some(Role::Admin), Role::Agent));
        assert!(!may_manage(Role::TeamLead, None, Role::Agent));
    }
}
