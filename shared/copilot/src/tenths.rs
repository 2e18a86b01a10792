//! Numbers in text, to one decimal place. Integer arithmetic only: float
//! formatting is one of the largest pieces of a small wasm component, and
//! every number we write is a percentage or an average to a tenth.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenths {
    tenths: i64,
    always_point: bool,
}

/// Like `{:.1}`: `12.0`, `-4.5`.
pub fn fixed(x: f64) -> Tenths {
    Tenths {
        tenths: (x * 10.0).round() as i64,
        always_point: true,
    }
}

/// Like `{}` of a value rounded to tenths: `12`, `12.5`.
pub fn short(x: f64) -> Tenths {
    Tenths {
        always_point: false,
        ..fixed(x)
    }
}

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.tenths < 0 { "-" } else { "" };
        let abs = self.tenths.unsigned_abs();
        let (whole, tenth) = (abs / 10, abs % 10);
        if self.always_point || tenth != 0 {
            write!(f, "{sign}{whole}.{tenth}")
        } else {
            write!(f, "{sign}{whole}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(fixed(12.0).to_string(), "12.0");
        assert_eq!(fixed(-4.54).to_string(), "-4.5");
        assert_eq!(fixed(-0.04).to_string(), "0.0");
        assert_eq!(fixed(99.96).to_string(), "100.0");
        assert_eq!(short(12.0).to_string(), "12");
        assert_eq!(short(12.5).to_string(), "12.5");
        assert_eq!(short(-0.5).to_string(), "-0.5");
    }

    proptest! {
        /// Agrees with std's formatting wherever the value is not a tie.
        #[test]
        fn matches_std(t in -10_000_000i64..10_000_000, off in -0.4f64..0.4) {
            let x = (t as f64 + off) / 10.0;
            prop_assert_eq!(fixed(x).to_string(), format!("{x:.1}").replace("-0.0", "0.0"));
            let r = t as f64 / 10.0;
            prop_assert_eq!(short(r).to_string(), format!("{r}"));
        }
    }
}
