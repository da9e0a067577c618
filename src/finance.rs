//! Project finance, the textbook formulas (years numbered from 1; year 0 is the investment):
//!
//! - capital recovery factor `CRF(r, n) = r(1+r)^n / ((1+r)^n − 1)` (`1/n` at `r = 0`): the
//!   yearly payment that repays 1 over n years at discount rate r;
//! - net present value `NPV = Σ_{y=0..N} CF_y / (1+r)^y`;
//! - internal rate of return: the `r` with `NPV(r) = 0`, found by bisection where NPV
//!   changes sign between −99 % and 1000 %;
//! - (discounted) payback: the time at which the cumulative (discounted) cash flow turns
//!   non-negative, interpolated linearly within the year; none if it never does within N.

/// `CRF(r, n)`, 1/yr.
pub fn crf(rate: f64, years: f64) -> f64 {
    if rate.abs() < 1e-12 {
        return 1.0 / years;
    }
    let g = (1.0 + rate).powf(years);
    rate * g / (g - 1.0)
}

/// `Σ_y flows[y] / (1+rate)^y`.
pub fn npv(rate: f64, flows: &[f64]) -> f64 {
    flows
        .iter()
        .enumerate()
        .map(|(y, f)| f / (1.0 + rate).powi(y as i32))
        .sum()
}

/// The internal rate of return of `flows`, if NPV changes sign on `[−0.99, 10]`.
pub fn irr(flows: &[f64]) -> Option<f64> {
    let (mut lo, mut hi) = (-0.99, 10.0);
    let (f_lo, f_hi) = (npv(lo, flows), npv(hi, flows));
    if !(f_lo.is_finite() && f_hi.is_finite()) || f_lo.signum() == f_hi.signum() {
        return None;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if npv(mid, flows).signum() == f_lo.signum() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Years until the cumulative sum of `flows` (discounted at `rate`, or not with `None`)
/// turns non-negative after the investment in year 0; `None` if it never does.
pub fn payback(flows: &[f64], rate: Option<f64>) -> Option<f64> {
    let value = |y: usize| flows[y] / (1.0 + rate.unwrap_or(0.0)).powi(y as i32);
    let mut total = value(0);
    if total >= 0.0 {
        return Some(0.0);
    }
    for y in 1..flows.len() {
        let v = value(y);
        if total + v >= 0.0 {
            return Some((y - 1) as f64 + (-total / v));
        }
        total += v;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crf_by_hand() {
        // 10 % over 10 years: 0.1·1.1^10/(1.1^10 − 1) = 0.162745…
        assert!((crf(0.1, 10.0) - 0.162_745_394_882_512_5).abs() < 1e-12);
        assert_eq!(crf(0.0, 4.0), 0.25);
    }

    #[test]
    fn npv_irr_payback_by_hand() {
        // −100 now, +60 for two years: NPV at 10 % = −100 + 54.545… + 49.586… = 4.132…
        let flows = [-100.0, 60.0, 60.0];
        assert!((npv(0.1, &flows) - (-100.0 + 60.0 / 1.1 + 60.0 / 1.21)).abs() < 1e-12);
        // IRR: 60/(1+r) + 60/(1+r)² = 100 → 1+r = (60 + √(3600 + 24000))/200 = 1.13066…
        let expected = (60.0 + (3600.0f64 + 24000.0).sqrt()) / 200.0 - 1.0;
        assert!((irr(&flows).unwrap() - expected).abs() < 1e-9);
        // Simple payback: 1 + 40/60 years.
        assert!((payback(&flows, None).unwrap() - (1.0 + 40.0 / 60.0)).abs() < 1e-12);
        let discounted = payback(&flows, Some(0.1)).unwrap();
        let after_one = -100.0 + 60.0 / 1.1;
        assert!((discounted - (1.0 + -after_one / (60.0 / 1.21))).abs() < 1e-12);
        assert_eq!(payback(&[-100.0, 10.0, 10.0], None), None);
        // −100 then +10: r = −0.9; all costs: no rate makes NPV zero.
        assert!((irr(&[-100.0, 10.0]).unwrap() + 0.9).abs() < 1e-9);
        assert_eq!(irr(&[-100.0, -10.0]), None);
    }
}
