//! Server-sent events read as they arrive: bytes in any split, events out
//! once their blank line has come. Lines may end in `\n` or `\r\n`; a
//! character split across two reads is joined before it is decoded.

#[derive(Default)]
pub struct Events {
    /// Bytes of the line being read.
    line: Vec<u8>,
    /// The `data:` lines of the event being read.
    data: Vec<String>,
}

/// Largest line kept: a stream that never ends a line is cut off rather
/// than held whole.
const MAX_LINE: usize = 1 << 20;

impl Events {
    /// Feeds bytes; returns the data of every event they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut done = Vec::new();
        for &b in bytes {
            if b != b'\n' {
                if self.line.len() < MAX_LINE {
                    self.line.push(b);
                }
                continue;
            }
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            let line = String::from_utf8_lossy(&self.line).into_owned();
            self.line.clear();
            if line.is_empty() {
                if !self.data.is_empty() {
                    done.push(self.data.join("\n"));
                    self.data.clear();
                }
            } else if let Some(v) = line.strip_prefix("data:") {
                self.data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
            }
            // Comments (`:`), `event:`, `id:` and `retry:` carry nothing
            // these APIs need.
        }
        done
    }

    /// The last event when the stream ends without its blank line.
    pub fn finish(&mut self) -> Option<String> {
        if !self.line.is_empty() {
            self.feed(b"\n");
        }
        (!self.data.is_empty()).then(|| {
            let e = self.data.join("\n");
            self.data.clear();
            e
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STREAM: &str = "data: {\"a\":1}\n\n: keep-alive\n\ndata: {\"b\":\"é\"}\r\n\r\nevent: x\ndata: one\ndata: two\n\ndata: [DONE]\n\n";

    #[test]
    fn reads_events_comments_and_multiline_data() {
        let mut e = Events::default();
        let got = e.feed(STREAM.as_bytes());
        assert_eq!(got, ["{\"a\":1}", "{\"b\":\"é\"}", "one\ntwo", "[DONE]"]);
        assert_eq!(e.finish(), None);
    }

    #[test]
    fn an_unterminated_last_event_is_kept() {
        let mut e = Events::default();
        assert!(e.feed(b"data: tail").is_empty());
        assert_eq!(e.finish().as_deref(), Some("tail"));
    }

    proptest! {
        /// However the bytes are split, the same events come out.
        #[test]
        fn any_split_gives_the_same_events(cuts in proptest::collection::vec(0usize..STREAM.len(), 0..12)) {
            let bytes = STREAM.as_bytes();
            let mut cuts = cuts;
            cuts.sort();
            let mut e = Events::default();
            let mut got = Vec::new();
            let mut from = 0;
            for c in cuts.into_iter().chain([bytes.len()]) {
                got.extend(e.feed(&bytes[from..c.max(from)]));
                from = c.max(from);
            }
            prop_assert_eq!(got, vec!["{\"a\":1}", "{\"b\":\"é\"}", "one\ntwo", "[DONE]"]);
        }
    }
}
