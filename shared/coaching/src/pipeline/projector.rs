//! The projector: every frame the connection receives, built here, pure.
//! Frames are HelloSales' `{type, payload, metadata}`: the metadata names
//! the request (the client's `requestId`), the run and the organisation,
//! so a client matches every frame of a turn to what it sent.

use serde_json::{Map, Value, json};

/// Who a turn's frames are for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projector {
    pub request_id: Option<String>,
    pub run_id: Option<String>,
    pub org_id: Option<String>,
    pub session_id: Option<String>,
}

impl Projector {
    pub fn frame(&self, kind: &str, payload: Option<Value>) -> String {
        let mut metadata = Map::new();
        for (k, v) in [
            ("request_id", &self.request_id),
            ("pipeline_run_id", &self.run_id),
            ("org_id", &self.org_id),
        ] {
            if let Some(v) = v {
                metadata.insert(k.into(), v.clone().into());
            }
        }
        let mut f = json!({"type": kind, "metadata": metadata});
        if let Some(p) = payload {
            f["payload"] = p;
        }
        f.to_string()
    }

    pub fn error(&self, code: &str, message: &str) -> String {
        let mut p = json!({"code": code, "message": message});
        if let Some(r) = &self.request_id {
            p["requestId"] = r.clone().into();
        }
        self.frame("error", Some(p))
    }

    /// `status.update {service, status, metadata}`, with the request and
    /// run named in its metadata too.
    pub fn status(&self, service: &str, status: &str, mut metadata: Value) -> String {
        if !metadata.is_object() {
            metadata = json!({});
        }
        if let Some(r) = &self.request_id {
            metadata["requestId"] = r.clone().into();
        }
        if let Some(r) = &self.run_id {
            metadata["pipelineRunId"] = r.clone().into();
        }
        self.frame(
            "status.update",
            Some(json!({"service": service, "status": status, "metadata": metadata})),
        )
    }

    pub fn token(&self, token: &str) -> String {
        self.frame(
            "chat.token",
            Some(
                json!({"sessionId": self.session_id, "token": token, "isComplete": false,
                        "requestId": self.request_id, "pipelineRunId": self.run_id}),
            ),
        )
    }

    pub fn complete(&self, message_id: &str, content: &str) -> String {
        self.frame(
            "chat.complete",
            Some(
                json!({"sessionId": self.session_id, "practiceSessionId": self.session_id,
                        "messageId": message_id, "content": content, "role": "assistant",
                        "requestId": self.request_id, "pipelineRunId": self.run_id}),
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_frame_names_its_request_run_and_organisation() {
        let p = Projector {
            request_id: Some("r1".into()),
            run_id: Some("run1".into()),
            org_id: Some("o1".into()),
            session_id: Some("s1".into()),
        };
        for f in [
            p.token("Hi"),
            p.complete("m1", "Hi there"),
            p.status("pipeline", "running", json!({})),
            p.error("CHAT_ERROR", "x"),
        ] {
            let v: Value = serde_json::from_str(&f).unwrap();
            assert_eq!(
                v["metadata"],
                json!({"request_id": "r1", "pipeline_run_id": "run1", "org_id": "o1"}),
                "{f}"
            );
        }
        let t: Value = serde_json::from_str(&p.token("Hi")).unwrap();
        assert_eq!(t["payload"]["token"], "Hi");
        let c: Value = serde_json::from_str(&p.complete("m1", "Hi there")).unwrap();
        assert_eq!(c["payload"]["content"], "Hi there");
        assert_eq!(c["payload"]["role"], "assistant");
        let s: Value =
            serde_json::from_str(&p.status("llm", "started", json!({"provider": "stub"}))).unwrap();
        assert_eq!(s["payload"]["metadata"]["provider"], "stub");
        assert_eq!(s["payload"]["metadata"]["pipelineRunId"], "run1");
    }

    #[test]
    fn a_frame_without_payload_has_no_payload_key() {
        let v: Value = serde_json::from_str(&Projector::default().frame("pong", None)).unwrap();
        assert_eq!(v, json!({"type": "pong", "metadata": {}}));
    }
}
