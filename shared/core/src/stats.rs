//! The statistics behind the sales pipeline's daily analysis: robust
//! centres and spreads (median, quantiles, median absolute deviation), the
//! two outlier rules that read them (Iglewicz–Hoaglin's modified z-score
//! and Tukey's fences), trailing moving averages, percent change and a
//! least-squares trend.
//!
//! The definitions are numpy's, so a number here can be checked against
//! an analyst's notebook: quantiles interpolate linearly between order
//! statistics (`np.quantile`'s default method, and pandas'), the trend is
//! `np.polyfit(x, y, 1)` over `x = 0..n`, and a moving average is pandas'
//! `rolling(window).mean()`. `tests/stats_numpy.rs` holds the two to
//! within 1e-9.
//!
//! Inputs are finite: a slice holding a NaN or an infinity has no median,
//! no trend, no anything (`None`), rather than a number that silently
//! carries the NaN on. Results are finite too: where the arithmetic would
//! overflow (values near `f64::MAX`) there is no result either. Sums are
//! compensated (Neumaier) and taken about a reference value, so a long
//! series of large amounts with small differences loses nothing to
//! rounding that matters.

use alloc::vec::Vec;

/// The modified z-score's constant: 0.6745 is the 0.75 quantile of the
/// standard normal, so the score reads as standard deviations for normal
/// data.
pub const MODIFIED_Z_SCALE: f64 = 0.6745;

/// Iglewicz and Hoaglin's cut-off: a modified z-score beyond ±3.5 marks
/// an outlier.
pub const MODIFIED_Z_CUTOFF: f64 = 3.5;

/// Tukey's multiple of the interquartile range for outlier fences.
pub const TUKEY_K: f64 = 1.5;

/// The arithmetic mean, summed as differences from the first value, so
/// the mean of equal values is exactly that value. `None` for an empty
/// slice or a non-finite value.
pub fn mean(values: &[f64]) -> Option<f64> {
    let (&first, _) = values.split_first()?;
    if !all_finite(values) {
        return None;
    }
    finite(first + sum(values.iter().map(|&v| v - first)) / values.len() as f64)
}

/// The median: the middle value, or halfway between the two middle ones.
/// Equal to `quantile(values, 0.5)`. `None` for an empty slice or a
/// non-finite value.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// The `q` quantile (`0 ≤ q ≤ 1`), interpolated linearly between order
/// statistics as `np.quantile(values, q)` does: with the values sorted as
/// `x`, `h = (n − 1)·q` and `lo = ⌊h⌋`, it is
/// `x[lo] + (h − lo)·(x[lo + 1] − x[lo])`. So `q = 0` is the minimum,
/// `q = 1` the maximum and `q = 0.5` the median. `None` for an empty
/// slice, a non-finite value, or `q` outside `0..=1` (or NaN).
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&q) {
        return None;
    }
    finite(quantile_sorted(&sorted(values)?, q))
}

/// The median absolute deviation from the median, unscaled (multiply by
/// 1.4826 for a normal standard deviation's estimate). `None` for an empty
/// slice or a non-finite value.
pub fn mad(values: &[f64]) -> Option<f64> {
    let xs = sorted(values)?;
    finite(mad_sorted(&xs))
}

/// Iglewicz and Hoaglin's modified z-score of `x` against `history`:
/// `0.6745 · (x − median) / MAD`. Compare its magnitude with
/// [`MODIFIED_Z_CUTOFF`].
///
/// `None` when there is no verdict from this rule: an empty or non-finite
/// history, a non-finite `x`, or a MAD of 0 — more than half the history
/// is one value, so any other value would score infinite. Callers judge
/// such a history with [`tukey_fences`] alone.
pub fn modified_z(x: f64, history: &[f64]) -> Option<f64> {
    if !x.is_finite() {
        return None;
    }
    let xs = sorted(history)?;
    let centre = quantile_sorted(&xs, 0.5);
    let spread = mad_sorted(&xs);
    if spread == 0.0 {
        return None;
    }
    finite(MODIFIED_Z_SCALE * (x - centre) / spread)
}

/// Tukey's fences: values outside `[low, high]` are outliers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fences {
    /// `Q1 − k·IQR`.
    pub low: f64,
    /// `Q3 + k·IQR`.
    pub high: f64,
}

impl Fences {
    /// Whether `x` falls outside the fences (on them is inside).
    pub fn outside(self, x: f64) -> bool {
        x < self.low || x > self.high
    }
}

/// Tukey's fences `[Q1 − k·IQR, Q3 + k·IQR]` of `history`, with the
/// quartiles from [`quantile`] and `IQR = Q3 − Q1` ([`TUKEY_K`] = 1.5 is
/// the usual `k`). A history whose middle half is one value has
/// `IQR = 0`, so its fences are that value. `None` for an empty or
/// non-finite history, or `k` negative or non-finite.
pub fn tukey_fences(history: &[f64], k: f64) -> Option<Fences> {
    if !(k.is_finite() && k >= 0.0) {
        return None;
    }
    let xs = sorted(history)?;
    let q1 = quantile_sorted(&xs, 0.25);
    let q3 = quantile_sorted(&xs, 0.75);
    let iqr = q3 - q1;
    Some(Fences {
        low: finite(q1 - k * iqr)?,
        high: finite(q3 + k * iqr)?,
    })
}

/// The trailing mean of the last `window` values at each position, as
/// pandas' `rolling(window).mean()`: one entry per value, `None` until
/// `window` values exist (and everywhere for a window of 0), and `None`
/// for a window that holds a non-finite value, as pandas gives NaN.
pub fn moving_average(values: &[f64], window: usize) -> Vec<Option<f64>> {
    (0..values.len())
        .map(|end| {
            if window == 0 {
                return None;
            }
            let start = (end + 1).checked_sub(window)?;
            mean(&values[start..=end])
        })
        .collect()
}

/// The change from `from` to `to` in percent of `from`'s magnitude:
/// `(to − from) / |from| × 100`, so a fall from a negative figure to a
/// lower one is negative. `None` when `from` is 0 (no base to measure
/// against) or either is non-finite.
pub fn percent_change(from: f64, to: f64) -> Option<f64> {
    if from == 0.0 || !from.is_finite() || !to.is_finite() {
        return None;
    }
    finite((to - from) / from.abs() * 100.0)
}

/// A straight line fitted by least squares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The change per step.
    pub slope: f64,
    /// The fitted value at `x = 0`, the first value's position.
    pub intercept: f64,
    /// The share of the values' variance the line explains, `0..=1`.
    /// `None` when the values are all equal: there is no variance to
    /// explain (the line, flat through them, fits exactly).
    pub r_squared: Option<f64>,
}

impl Fit {
    /// The line's value at `x`: `x = n` projects one step past the data.
    pub fn at(self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

/// The least-squares line through `(i, values[i])` for `i = 0..n`, as
/// `np.polyfit(x, y, 1)`. Both coordinates are centred on their means
/// before the sums, which keeps a trend of a few units on amounts in the
/// millions exact to rounding. `None` for fewer than two values or a
/// non-finite value.
pub fn least_squares(values: &[f64]) -> Option<Fit> {
    if values.len() < 2 {
        return None;
    }
    let y_mean = mean(values)?;
    let x_mean = (values.len() - 1) as f64 / 2.0;
    let dx = |i: usize| i as f64 - x_mean;
    let dy = |y: f64| y - y_mean;
    let sxx = sum((0..values.len()).map(|i| dx(i) * dx(i)));
    let sxy = sum(values.iter().enumerate().map(|(i, &y)| dx(i) * dy(y)));
    let syy = sum(values.iter().map(|&y| dy(y) * dy(y)));
    let slope = finite(sxy / sxx)?;
    let intercept = finite(y_mean - slope * x_mean)?;
    let r_squared = if syy == 0.0 {
        None
    } else {
        Some(finite(sxy / sxx * (sxy / syy))?.clamp(0.0, 1.0))
    };
    Some(Fit {
        slope,
        intercept,
        r_squared,
    })
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// A sorted copy, or `None` when empty or holding a non-finite value.
fn sorted(values: &[f64]) -> Option<Vec<f64>> {
    if values.is_empty() || !all_finite(values) {
        return None;
    }
    let mut xs = values.to_vec();
    xs.sort_unstable_by(f64::total_cmp);
    Some(xs)
}

/// [`quantile`] of non-empty sorted values, `q` in `0..=1`.
fn quantile_sorted(xs: &[f64], q: f64) -> f64 {
    let last = xs.len() - 1;
    let h = last as f64 * q;
    let lo = (libm::floor(h) as usize).min(last);
    let hi = (lo + 1).min(last);
    lerp(xs[lo], xs[hi], h - lo as f64)
}

/// numpy's interpolation: from whichever end is nearer, so `t = 0` gives
/// `a` and `t = 1` gives `b` exactly.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

/// [`mad`] of non-empty sorted values.
fn mad_sorted(xs: &[f64]) -> f64 {
    let centre = quantile_sorted(xs, 0.5);
    let mut deviations: Vec<f64> = xs.iter().map(|&x| (x - centre).abs()).collect();
    deviations.sort_unstable_by(f64::total_cmp);
    quantile_sorted(&deviations, 0.5)
}

/// Neumaier's compensated sum: the rounding error of every addition is
/// kept and added back at the end.
fn sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut total, mut lost) = (0.0f64, 0.0f64);
    for v in values {
        let t = total + v;
        lost += if total.abs() >= v.abs() {
            (total - t) + v
        } else {
            (v - t) + total
        };
        total = t;
    }
    total + lost
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use proptest::prelude::*;

    /// Close within `tol` times the larger magnitude, or `tol` absolutely.
    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn numpy_documented_quantiles() {
        // np.quantile's docstring: a = [[10, 7, 4], [3, 2, 1]].
        let a = [10.0, 7.0, 4.0, 3.0, 2.0, 1.0];
        assert_eq!(quantile(&a, 0.5), Some(3.5));
        assert_eq!(median(&a), Some(3.5));
        assert_eq!(quantile(&[10.0, 7.0, 4.0], 0.5), Some(7.0));
        assert_eq!(quantile(&[3.0, 2.0, 1.0], 0.5), Some(2.0));
        // np.percentile([1, 2, 3, 4], [25, 50, 75]) is [1.75, 2.5, 3.25].
        let b = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(quantile(&b, 0.25), Some(1.75));
        assert_eq!(quantile(&b, 0.75), Some(3.25));
        // np.quantile([1, 2, 3, 4, 5], 0.4) = 2.6 (h = 1.6).
        assert!(close(
            quantile(&[5.0, 1.0, 4.0, 2.0, 3.0], 0.4).unwrap(),
            2.6,
            1e-15
        ));
    }

    #[test]
    fn hand_checked_table() {
        let v = [1.0, 1.0, 2.0, 2.0, 4.0, 6.0, 9.0];
        assert_eq!(median(&v), Some(2.0));
        // Deviations 1, 1, 0, 0, 2, 4, 7: median 1.
        assert_eq!(mad(&v), Some(1.0));
        assert!(close(modified_z(9.0, &v).unwrap(), 0.6745 * 7.0, 1e-15));
        // Q1 = 1.5 (h = 1.5), Q3 = 5 (h = 4.5), IQR = 3.5.
        assert_eq!(
            tukey_fences(&v, TUKEY_K),
            Some(Fences {
                low: 1.5 - 5.25,
                high: 5.0 + 5.25
            })
        );
        assert_eq!(mean(&[1.0, 2.0, 3.0, 4.0]), Some(2.5));
        assert_eq!(
            moving_average(&[1.0, 2.0, 3.0, 4.0, 5.0], 3),
            vec![None, None, Some(2.0), Some(3.0), Some(4.0)]
        );
        assert_eq!(percent_change(200.0, 250.0), Some(25.0));
        assert_eq!(percent_change(-200.0, -250.0), Some(-25.0));
        assert_eq!(percent_change(-200.0, 0.0), Some(100.0));
        // np.polyfit([0, 1, 2, 3], [1, 3, 2, 5], 1) = [1.1, 1.1]; R² = 6.05 / 8.75
        let fit = least_squares(&[1.0, 3.0, 2.0, 5.0]).unwrap();
        assert!(close(fit.slope, 1.1, 1e-15));
        assert!(close(fit.intercept, 1.1, 1e-15));
        assert!(close(fit.r_squared.unwrap(), 6.05 / 8.75, 1e-15));
        assert!(close(fit.at(4.0), 5.5, 1e-15));
    }

    #[test]
    fn edges() {
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[]), None);
        assert_eq!(mad(&[]), None);
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(tukey_fences(&[], TUKEY_K), None);
        assert_eq!(modified_z(1.0, &[]), None);
        assert_eq!(moving_average(&[], 3), vec![]);
        assert_eq!(median(&[7.0]), Some(7.0));
        assert_eq!(mad(&[7.0]), Some(0.0));
        // Out-of-range q.
        assert_eq!(quantile(&[1.0, 2.0], -0.1), None);
        assert_eq!(quantile(&[1.0, 2.0], 1.1), None);
        assert_eq!(quantile(&[1.0, 2.0], f64::NAN), None);
        // MAD 0: more than half the history is one value.
        assert_eq!(mad(&[5.0, 5.0, 5.0, 1.0, 900.0]), Some(0.0));
        assert_eq!(modified_z(900.0, &[5.0, 5.0, 5.0, 1.0, 900.0]), None);
        // ...while Tukey's fences still judge it.
        let fences = tukey_fences(&[5.0, 5.0, 5.0, 1.0, 900.0], TUKEY_K).unwrap();
        assert_eq!(
            fences,
            Fences {
                low: 5.0,
                high: 5.0
            }
        );
        assert!(fences.outside(900.0) && fences.outside(1.0) && !fences.outside(5.0));
        assert_eq!(tukey_fences(&[1.0], -1.0), None);
        assert_eq!(tukey_fences(&[1.0], f64::INFINITY), None);
        // Fewer than two points: no line. Constant: a flat line, no R².
        assert_eq!(least_squares(&[]), None);
        assert_eq!(least_squares(&[3.0]), None);
        assert_eq!(
            least_squares(&[0.1; 5]),
            Some(Fit {
                slope: 0.0,
                intercept: 0.1,
                r_squared: None
            })
        );
        assert_eq!(least_squares(&[1.0, 3.0]).unwrap().r_squared, Some(1.0));
        assert_eq!(percent_change(0.0, 5.0), None);
        assert_eq!(percent_change(-0.0, 5.0), None);
        // Windows of 0 and longer than the series.
        assert_eq!(moving_average(&[1.0, 2.0], 0), vec![None, None]);
        assert_eq!(moving_average(&[1.0, 2.0], 3), vec![None, None]);
    }

    #[test]
    fn non_finite_inputs_have_no_result() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let v = [1.0, bad, 3.0];
            assert_eq!(mean(&v), None);
            assert_eq!(median(&v), None);
            assert_eq!(quantile(&v, 0.25), None);
            assert_eq!(mad(&v), None);
            assert_eq!(modified_z(2.0, &v), None);
            assert_eq!(modified_z(bad, &[1.0, 2.0, 3.0]), None);
            assert_eq!(tukey_fences(&v, TUKEY_K), None);
            assert_eq!(least_squares(&v), None);
            assert_eq!(percent_change(bad, 1.0), None);
            assert_eq!(percent_change(1.0, bad), None);
            // Only the windows that hold it.
            assert_eq!(
                moving_average(&[1.0, bad, 3.0, 5.0, 7.0], 2),
                vec![None, None, None, Some(4.0), Some(6.0)]
            );
        }
    }

    #[test]
    fn overflow_has_no_result() {
        let huge = [-f64::MAX, f64::MAX];
        assert_eq!(quantile(&huge, 0.25), None);
        assert_eq!(tukey_fences(&huge, TUKEY_K), None);
        assert_eq!(percent_change(f64::MIN_POSITIVE, f64::MAX), None);
        // Taken about the first value, a mean of large equal values is exact.
        assert_eq!(mean(&[f64::MAX, f64::MAX]), Some(f64::MAX));
    }

    #[test]
    fn compensated_sums_keep_small_differences() {
        // 1e15 ± 1/8: a plain running sum of these loses the eighths.
        let v: Vec<f64> = (0..60)
            .map(|i| 1e15 + if i % 2 == 0 { 0.125 } else { -0.125 })
            .collect();
        assert_eq!(mean(&v), Some(1e15));
        assert_eq!(sum([1e16, 1.0, -1e16, 1.0].into_iter()), 2.0);
    }

    fn amounts() -> impl Strategy<Value = Vec<f64>> {
        prop_oneof![
            prop::collection::vec(-1e6f64..1e6, 1..60),
            // Small integers: many duplicates and ties.
            prop::collection::vec((0i32..12).prop_map(f64::from), 1..60),
        ]
    }

    fn magnitude(v: &[f64]) -> f64 {
        v.iter().fold(1.0f64, |m, x| m.max(x.abs()))
    }

    /// Integers with at least two distinct values, so a spread exists.
    fn varied_integers() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec((0i32..1000).prop_map(f64::from), 2..60)
            .prop_filter("varied", |v| v.iter().any(|&x| x != v[0]))
    }

    proptest! {
        #[test]
        fn quantiles_lie_in_range_and_grow_with_q(
            v in amounts(), q1 in 0.0f64..=1.0, q2 in 0.0f64..=1.0,
        ) {
            let (lo, hi) = (q1.min(q2), q1.max(q2));
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (a, b) = (quantile(&v, lo).unwrap(), quantile(&v, hi).unwrap());
            prop_assert!(min <= a && a <= max && min <= b && b <= max);
            // Monotone up to the rounding of one interpolation.
            prop_assert!(a <= b + 4.0 * f64::EPSILON * magnitude(&v), "{a} > {b}");
            let m = median(&v).unwrap();
            prop_assert!(min <= m && m <= max);
        }

        #[test]
        fn quantile_ends_and_middle(v in amounts()) {
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert_eq!(quantile(&v, 0.0), Some(min));
            prop_assert_eq!(quantile(&v, 1.0), Some(max));
            prop_assert_eq!(quantile(&v, 0.5), median(&v));
        }

        #[test]
        fn order_does_not_matter(
            (v, shuffled) in amounts().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            q in 0.0f64..=1.0, x in -2e6f64..2e6,
        ) {
            prop_assert_eq!(median(&v), median(&shuffled));
            prop_assert_eq!(quantile(&v, q), quantile(&shuffled, q));
            prop_assert_eq!(mad(&v), mad(&shuffled));
            prop_assert_eq!(modified_z(x, &v), modified_z(x, &shuffled));
            prop_assert_eq!(tukey_fences(&v, TUKEY_K), tukey_fences(&shuffled, TUKEY_K));
            let (a, b) = (mean(&v).unwrap(), mean(&shuffled).unwrap());
            prop_assert!((a - b).abs() <= 1e-12 * magnitude(&v), "{a} {b}");
        }

        #[test]
        fn shifting_shifts_centres_not_spreads(
            v in amounts(), c in -1e6f64..1e6, q in 0.0f64..=1.0,
        ) {
            let shifted: Vec<f64> = v.iter().map(|x| x + c).collect();
            let tol = 1e-12 * (magnitude(&v) + c.abs());
            let near = |a: f64, b: f64| (a - b).abs() <= tol;
            prop_assert!(near(median(&shifted).unwrap(), median(&v).unwrap() + c));
            prop_assert!(near(quantile(&shifted, q).unwrap(), quantile(&v, q).unwrap() + c));
            let (f, g) = (tukey_fences(&v, TUKEY_K).unwrap(), tukey_fences(&shifted, TUKEY_K).unwrap());
            prop_assert!(near(g.low, f.low + c) && near(g.high, f.high + c), "{f:?} {g:?}");
            prop_assert!(near(mad(&shifted).unwrap(), mad(&v).unwrap()));
            prop_assert!(near(mean(&shifted).unwrap(), mean(&v).unwrap() + c));
            if let (Some(a), Some(b)) = (least_squares(&v), least_squares(&shifted)) {
                prop_assert!(near(a.slope, b.slope), "{a:?} {b:?}");
                prop_assert!(near(b.intercept, a.intercept + c), "{a:?} {b:?}");
            }
        }

        #[test]
        fn scaling_by_a_power_of_two_is_exact(v in amounts(), e in -20i32..20, x in -2e6f64..2e6) {
            let s = libm::exp2(f64::from(e));
            let scaled: Vec<f64> = v.iter().map(|x| x * s).collect();
            prop_assert_eq!(mad(&scaled), mad(&v).map(|m| m * s));
            let (f, g) = (tukey_fences(&v, TUKEY_K).unwrap(), tukey_fences(&scaled, TUKEY_K).unwrap());
            prop_assert_eq!(g.high - g.low, (f.high - f.low) * s);
            prop_assert_eq!(modified_z(x * s, &scaled), modified_z(x, &v));
            if let Some(fit) = least_squares(&v) {
                prop_assert_eq!(least_squares(&scaled).unwrap().slope, fit.slope * s);
            }
        }

        #[test]
        fn scaling_scales_spreads_and_keeps_scores(
            v in varied_integers(), s in 0.01f64..100.0, x in 0i32..5000,
        ) {
            let x = f64::from(x);
            let scaled: Vec<f64> = v.iter().map(|x| x * s).collect();
            let quartiles = |v: &[f64]| quantile(v, 0.75).unwrap() - quantile(v, 0.25).unwrap();
            let tol = 1e-12 * s * magnitude(&v);
            prop_assert!((mad(&scaled).unwrap() - mad(&v).unwrap() * s).abs() <= tol);
            prop_assert!((quartiles(&scaled) - quartiles(&v) * s).abs() <= tol);
            let (a, b) = (least_squares(&v).unwrap(), least_squares(&scaled).unwrap());
            prop_assert!((b.slope - a.slope * s).abs() <= tol, "{a:?} {b:?}");
            if let Some(z) = modified_z(x, &v) {
                prop_assert!(close(modified_z(x * s, &scaled).unwrap(), z, 1e-9));
            }
        }

        #[test]
        fn exact_lines_are_recovered(a in -1e6f64..1e6, b in -1e4f64..1e4, n in 2usize..60) {
            let ys: Vec<f64> = (0..n).map(|i| a + b * i as f64).collect();
            let fit = least_squares(&ys).unwrap();
            let tol = 1e-12 * (a.abs() + b.abs() * n as f64 + 1.0);
            prop_assert!((fit.slope - b).abs() <= tol, "{fit:?}");
            prop_assert!((fit.intercept - a).abs() <= tol, "{fit:?}");
            if b.abs() > 1e-3 {
                prop_assert!(fit.r_squared.unwrap() > 1.0 - 1e-9, "{fit:?}");
            }
        }

        #[test]
        fn moving_average_of_a_constant_is_the_constant(
            c in -1e6f64..1e6, n in 0usize..60, window in 1usize..30,
        ) {
            let ma = moving_average(&vec![c; n], window);
            prop_assert_eq!(ma.len(), n);
            for (i, m) in ma.into_iter().enumerate() {
                prop_assert_eq!(m, (i + 1 >= window).then_some(c));
            }
        }

        #[test]
        fn moving_average_is_the_mean_of_its_window(v in amounts(), window in 1usize..20) {
            for (i, m) in moving_average(&v, window).into_iter().enumerate() {
                match m {
                    Some(m) => prop_assert_eq!(Some(m), mean(&v[i + 1 - window..=i])),
                    None => prop_assert!(i + 1 < window),
                }
            }
        }

        #[test]
        fn the_median_scores_zero(v in amounts()) {
            let m = median(&v).unwrap();
            if let Some(z) = modified_z(m, &v) {
                prop_assert_eq!(z.abs(), 0.0);
            }
        }

        #[test]
        fn far_values_are_flagged_by_both_rules(
            v in prop::collection::btree_set(0i32..1000, 2..60), far in 1000.0f64..1e6,
            below in any::<bool>(),
        ) {
            // Distinct values: at most one deviation is 0, so the MAD is not.
            let v: Vec<f64> = v.into_iter().map(f64::from).collect();
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let x = if below { min - far * (max - min) } else { max + far * (max - min) };
            let fences = tukey_fences(&v, TUKEY_K).unwrap();
            prop_assert!(fences.outside(x), "{x} {fences:?}");
            let z = modified_z(x, &v).unwrap();
            prop_assert!(z.abs() > MODIFIED_Z_CUTOFF, "{x} {z}");
        }

        #[test]
        fn percent_change_round_trips(from in -1e6f64..1e6, to in -1e6f64..1e6) {
            prop_assume!(from != 0.0);
            let p = percent_change(from, to).unwrap();
            let back = from + p / 100.0 * from.abs();
            prop_assert!((back - to).abs() <= 1e-12 * from.abs().max(to.abs()).max(1.0));
        }
    }
}
