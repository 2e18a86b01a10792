//! A minimal HTTP/1.1 keep-alive connection for load: requests are written
//! as prepared bytes and answers read with the least parsing that finds
//! their end, so the client costs little CPU beside the server it drives.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

pub struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    /// The `Server-Timing` header, when the server sent one.
    pub server_timing: Option<String>,
}

impl Connection {
    pub fn open(addr: &str) -> io::Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            reader: BufReader::with_capacity(64 * 1024, stream.try_clone()?),
            writer: stream,
        })
    }

    /// Sends one request and reads its whole answer.
    pub fn exchange(&mut self, request: &[u8]) -> io::Result<Answer> {
        self.writer.write_all(request)?;
        self.read_answer()
    }

    fn read_answer(&mut self) -> io::Result<Answer> {
        let mut line = String::new();
        self.read_line(&mut line)?;
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("bad status line {line:?}")))?;
        let mut length = None;
        let mut chunked = false;
        let mut server_timing = None;
        loop {
            line.clear();
            self.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse::<usize>().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.eq_ignore_ascii_case("chunked");
                } else if name.eq_ignore_ascii_case("server-timing") {
                    server_timing = Some(value.to_string());
                }
            }
        }
        let body = if chunked {
            self.read_chunked()?
        } else {
            let mut body = vec![0; length.unwrap_or(0)];
            self.reader.read_exact(&mut body)?;
            body
        };
        Ok(Answer {
            status,
            body,
            server_timing,
        })
    }

    fn read_chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            self.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| bad(format!("bad chunk size {line:?}")))?;
            let start = body.len();
            body.resize(start + size, 0);
            self.reader.read_exact(&mut body[start..])?;
            line.clear();
            self.read_line(&mut line)?;
            if size == 0 {
                return Ok(body);
            }
        }
    }

    fn read_line(&mut self, line: &mut String) -> io::Result<()> {
        if self.reader.read_line(line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        Ok(())
    }
}

fn bad(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// A request's bytes: method, target, host, headers and body.
pub fn request(
    method: &str,
    target: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nhost: {host}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn reads_sized_and_chunked_answers_on_one_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            for answer in [
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer-Timing: a;dur=1\r\n\r\nhello".to_string(),
                "HTTP/1.1 413 Payload Too Large\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".to_string(),
            ] {
                let _ = s.read(&mut buf).unwrap();
                s.write_all(answer.as_bytes()).unwrap();
            }
        });
        let mut c = Connection::open(&addr).unwrap();
        let req = request("POST", "/x", "h", &[("x-a", "1")], b"{}");
        let a = c.exchange(&req).unwrap();
        assert_eq!((a.status, a.body.as_slice()), (200, b"hello".as_slice()));
        assert_eq!(a.server_timing.as_deref(), Some("a;dur=1"));
        let b = c.exchange(&req).unwrap();
        assert_eq!((b.status, b.body.as_slice()), (413, b"abcde".as_slice()));
        server.join().unwrap();
        assert!(
            String::from_utf8(req)
                .unwrap()
                .ends_with("content-length: 2\r\n\r\n{}")
        );
    }
}
