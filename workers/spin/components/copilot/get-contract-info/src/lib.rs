//! Spin component for `POST /tools/get_contract_info`.

use edgedesk_copilot::{GetContractInfo, routes::tool};

edgedesk_spin::export_component!(|request| edgedesk_spin::serve_route(
    tool::<_, GetContractInfo>(),
    request
));
