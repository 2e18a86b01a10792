//! TwiML, the XML Twilio reads to know what to say and do next.

use edgedesk_kernel::Response;

/// XML text and attribute escaping.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn document(inner: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>{inner}</Response>")
}

/// A TwiML answer.
pub fn response(status: u16, inner: &str) -> Response {
    let mut r = Response::empty(status);
    r.headers
        .push(("content-type".into(), "text/xml; charset=utf-8".into()));
    r.body = document(inner).into_bytes();
    r
}

/// Says `text` and listens for speech or keys, posting what it hears to
/// `action`. If nothing is heard, the call is sent to `action` anyway,
/// which answers the silence.
pub fn gather(text: &str, action: &str) -> String {
    let action = escape(action);
    format!(
        "<Gather input=\"speech dtmf\" action=\"{action}\" method=\"POST\" speechTimeout=\"auto\" timeout=\"6\" numDigits=\"1\" actionOnEmptyResult=\"true\"><Say>{}</Say></Gather><Redirect method=\"POST\">{action}</Redirect>",
        escape(text)
    )
}

/// Says `text`, then hangs up.
pub fn goodbye(text: &str) -> String {
    format!("<Say>{}</Say><Hangup/>", escape(text))
}

/// Says `text`, then connects the caller to `number`.
pub fn dial(text: &str, number: &str) -> String {
    format!("<Say>{}</Say><Dial>{}</Dial>", escape(text), escape(number))
}

/// An SMS reply.
pub fn message(text: &str) -> String {
    format!("<Message>{}</Message>", escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        let r = response(
            200,
            &gather(
                "Tom & Jerry's <salon>",
                "/v1/twilio/voice/gather?turn=1&x=\"2\"",
            ),
        );
        let body = String::from_utf8(r.body).unwrap();
        assert!(body.contains("<Say>Tom &amp; Jerry&apos;s &lt;salon&gt;</Say>"));
        assert!(body.contains("action=\"/v1/twilio/voice/gather?turn=1&amp;x=&quot;2&quot;\""));
        assert_eq!(r.headers[0].1, "text/xml; charset=utf-8");
        assert_eq!(escape("a\u{0}b\u{1b}c\n"), "abc\n");
    }
}
