//! The copilot's part of the API description: for each route, the Rust
//! types of its body and answer, and an example of each. Built natively by
//! the product's tests into `openapi.json`; nothing here runs in a Worker or
//! a component.

use crate::catalogue::ToolList;
use crate::email::EmailAnswer;
use crate::health::HealthAnswer;
use crate::model::{
    ContractAnswer, EmailParams, HealthParams, NoParams, TicketsAnswer, TicketsParams, ToolAnswer,
    ToolRequest, UsageParams,
};
use crate::qbr::QbrAnswer;
use crate::usage::UsageAnswer;
use crate::{TOOLS, Tool};
use edgedesk_kernel::openapi::{Answer, ErrorEnvelope, Fragment};
use schemars::JsonSchema;
use serde_json::{Value, json};

/// Runs an example request against the product and gives its answer.
pub type Run<'a> = dyn FnMut(&str, &Value) -> Value + 'a;

/// The fragment. `run(operation_id, body)` answers each example, so every
/// documented answer is a real one.
pub fn fragment(run: &mut Run<'_>) -> Value {
    let mut f = Fragment::new(crate::PRODUCT.name);
    let list = f.envelope::<ToolList>();
    f.operation(
        "list_tools",
        None,
        Answer {
            status: 200,
            description: "The tools",
            content_type: "application/json",
            schema: Some(list),
            example: None,
        },
    );
    let unknown = json!({"customerId": "acme-001"});
    let error = f.schema::<ErrorEnvelope>();
    let example = run("unknown_tool", &unknown);
    f.operation(
        "unknown_tool",
        Some((json!({}), unknown)),
        Answer {
            status: 404,
            description: "No such tool",
            content_type: "application/json",
            schema: Some(error),
            example: Some(example),
        },
    );
    for tool in TOOLS {
        let body = example_body(tool);
        let example = run(tool.name(), &body);
        match tool {
            Tool::GetCustomerUsage => {
                document::<UsageParams, UsageAnswer>(&mut f, tool, body, example)
            }
            Tool::GetRecentTickets => {
                document::<TicketsParams, TicketsAnswer>(&mut f, tool, body, example)
            }
            Tool::GetContractInfo => {
                document::<NoParams, ContractAnswer>(&mut f, tool, body, example)
            }
            Tool::CalculateHealth => {
                document::<HealthParams, HealthAnswer>(&mut f, tool, body, example)
            }
            Tool::GenerateEmail => {
                document::<EmailParams, EmailAnswer>(&mut f, tool, body, example)
            }
            Tool::GenerateQbrOutline => {
                document::<NoParams, QbrAnswer>(&mut f, tool, body, example)
            }
        }
    }
    f.finish()
}

fn document<P: JsonSchema + Default, A: JsonSchema>(
    f: &mut Fragment,
    tool: Tool,
    body: Value,
    example: Value,
) {
    let request = f.schema::<ToolRequest<P>>();
    let answer = f.envelope::<ToolAnswer<A>>();
    f.operation(
        tool.name(),
        Some((request, body)),
        Answer {
            status: 200,
            description: tool.summary(),
            content_type: "application/json",
            schema: Some(answer),
            example: Some(example),
        },
    );
}

/// A realistic call of each tool, against the sample data.
pub fn example_body(tool: Tool) -> Value {
    let params = match tool {
        Tool::GetCustomerUsage => json!({"periodDays": 7}),
        Tool::GetRecentTickets => json!({"limit": 2, "status": "open"}),
        Tool::CalculateHealth => json!({"periodDays": 30}),
        Tool::GenerateEmail => json!({"purpose": "renewal", "tone": "friendly"}),
        Tool::GetContractInfo | Tool::GenerateQbrOutline => json!({}),
    };
    json!({"customerId": "acme-001", "params": params})
}
